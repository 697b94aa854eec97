using System.Text.RegularExpressions;

namespace BinderTrace.Cli.Infrastructure;

/// <summary>The command-line parser names .NET types ("expected type 'System.UInt64'"); users know kinds of values.</summary>
internal static partial class ParseErrorText
{
    public static string Readable(string message) =>
        ExpectedType().Replace(message, match => ": expected " + KindOf(match.Groups["type"].Value));

    private static string KindOf(string type) => NullableOf().Match(type) is { Success: true } nullable
        ? KindOf(nullable.Groups["inner"].Value)
        : type switch
        {
            "System.Byte" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a non-negative whole number",
            "System.SByte" or "System.Int16" or "System.Int32" or "System.Int64" => "a whole number",
            "System.Single" or "System.Double" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            _ => "a valid value",
        };

    [GeneratedRegex(@"\s*as expected type '(?<type>[^']+)'")]
    private static partial Regex ExpectedType();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>[^\]]+)\]$")]
    private static partial Regex NullableOf();
}
