namespace BinderTrace.Pipeline;

/// <summary>A trace path that cannot be read as a trace at all: missing, a directory, or <c>-</c> where there is no standard input.</summary>
public sealed class TraceInputException(string message) : Exception(message);
