namespace BinderTrace.Cli.Infrastructure;

/// <summary>An expected failure caused by the user's input: printed as one line, without a stack trace.</summary>
internal sealed class UserErrorException : Exception
{
    public UserErrorException(string message)
        : base(message)
    {
    }

    public UserErrorException()
    {
    }

    public UserErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
