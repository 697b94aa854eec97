using System.Text;

namespace BinderTrace.Export;

/// <summary>
/// Folder names of a Hive-style partitioned dataset (<c>key=value</c>). Bytes outside a conservative safe
/// set are written as %XX of their UTF-8 encoding, as Hive does for '/', '=', ':' and the like, so any
/// source path or kernel label yields exactly one folder level.
/// </summary>
internal static class HivePartition
{
    public static string Folder(string key, string value) => key + "=" + Escape(value);

    public static string Escape(string value)
    {
        if (value.Length == 0)
        {
            // Hive's name for an empty or null partition value.
            return "__HIVE_DEFAULT_PARTITION__";
        }

        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (IsSafe(b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var escaped = text.ToString();
        // "." and ".." would not be folders of their own.
        return escaped is "." or ".." ? escaped.Replace(".", "%2E", StringComparison.Ordinal) : escaped;
    }

    private static bool IsSafe(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
        or (byte)'.' or (byte)'-' or (byte)'_' or (byte)'+';
}
