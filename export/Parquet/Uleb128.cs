using System.Buffers;

namespace BinderTrace.Export.Parquet;

/// <summary>Unsigned LEB128 varints, as the hybrid RLE run headers and the DELTA_BINARY_PACKED headers use them.</summary>
internal static class Uleb128
{
    public static void Write(ulong value, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }
}
