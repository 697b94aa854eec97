using BinderTrace.Export.Parquet;

namespace BinderTrace.Tests;

/// <summary>
/// Byte-exact checks of the Thrift compact protocol writer and the Parquet structures built on it. Expected
/// bytes are the worked example of FORMATS.md §4.2 (a file three independent readers accepted), or are
/// derived by hand from the compact-protocol rules quoted there; the derivation is written beside each.
/// </summary>
public sealed class ThriftCompactWriterTests
{
    [Fact]
    public void Data_page_header_matches_the_worked_bytes_of_FORMATS_4_2()
    {
        var w = new ThriftCompactWriter();
        ParquetMetadataWriter.WriteDataPageHeader(w, uncompressedSize: 32, compressedSize: 32, numValues: 4, ParquetEncoding.Plain, nullCount: 0);
        Assert.Equal(Hex("15 00 15 40 15 40 2c 15 08 15 00 15 06 15 06 1c 36 00 00 00 00"), w.WrittenSpan.ToArray());
    }

    [Fact]
    public void Schema_element_with_nested_unions_matches_the_worked_bytes_of_FORMATS_4_2()
    {
        // The timestamp leaf of §4.2 (isAdjustedToUTC=true there), written field by field.
        var w = new ThriftCompactWriter();
        w.StructBegin();
        w.FieldI32(1, 2);           // type INT64
        w.FieldI32(3, 0);           // repetition REQUIRED
        w.FieldString(4, "ts");
        w.FieldStructBegin(10);     // logicalType
        w.FieldStructBegin(8);      // TIMESTAMP
        w.FieldBool(1, true);
        w.FieldStructBegin(2);      // unit
        w.FieldEmptyStruct(3);      // NANOS
        w.StructEnd();
        w.StructEnd();
        w.StructEnd();
        w.StructEnd();
        Assert.Equal(Hex("15 04 25 00 18 02 74 73 6c 8c 11 1c 3c 00 00 00 00 00"), w.WrittenSpan.ToArray());
    }

    [Fact]
    public void File_metadata_starts_like_FORMATS_4_2_with_a_local_time_nanosecond_timestamp()
    {
        ParquetColumn[] schema =
        [
            new("ts", ColumnType.TimestampNanos, Optional: false),
            new("a", ColumnType.Int32, Optional: false),
            new("b", ColumnType.Int32, Optional: false),
            new("c", ColumnType.Int32, Optional: false),
            new("d", ColumnType.Int32, Optional: false),
            new("e", ColumnType.Int32, Optional: false),
        ];
        var w = new ThriftCompactWriter();
        ParquetMetadataWriter.WriteFileMetadata(w, schema, [], [], "x");
        // §4.2 bytes, except isAdjustedToUTC=false: the bool field header becomes (1 << 4) | BOOLEAN_FALSE(2) = 0x12.
        var expected = Hex("15 02 19 7c 48 06 73 63 68 65 6d 61 15 0c 00 15 04 25 00 18 02 74 73 6c 8c 12 1c 3c 00 00 00 00 00");
        Assert.Equal(expected, w.WrittenSpan[..expected.Length].ToArray());
    }

    [Fact]
    public void Field_id_jump_over_15_uses_the_long_form_header()
    {
        var w = new ThriftCompactWriter();
        w.StructBegin();
        w.FieldI32(1, 1);
        w.FieldI32(17, -1);
        w.StructEnd();
        // 0x15 = delta 1, I32; 02 = zigzag(1). Delta 16 > 15: byte 0x05 (type I32), zigzag i16 17 = 34 = 0x22, then zigzag(-1) = 01.
        Assert.Equal(Hex("15 02 05 22 01 00"), w.WrittenSpan.ToArray());
    }

    [Fact]
    public void List_of_15_or_more_elements_uses_the_long_form_header()
    {
        var w = new ThriftCompactWriter();
        w.StructBegin();
        w.FieldListBegin(2, ThriftType.I32, 15);
        for (var i = 0; i < 15; i++)
        {
            w.ElementI32(0);
        }

        w.StructEnd();
        // 0x29 = delta 2, LIST; 0xF5 = 0xF0 | I32(5); varint 15 = 0x0F; fifteen zigzag zeros; stop.
        Assert.Equal([0x29, 0xF5, 0x0F, .. new byte[15], 0x00], w.WrittenSpan.ToArray());
    }

    [Fact]
    public void I64_uses_64_bit_zigzag_and_multi_byte_varints()
    {
        var w = new ThriftCompactWriter();
        w.StructBegin();
        w.FieldI64(1, 300);
        w.FieldI64(2, long.MinValue);
        w.StructEnd();
        // zigzag(300) = 600 = 0b100_1011000 → 0xD8 0x04. zigzag(MinValue) = 2^64 − 1 → nine 0xFF bytes then 0x01.
        Assert.Equal(Hex("16 d8 04 16 ff ff ff ff ff ff ff ff ff 01 00"), w.WrittenSpan.ToArray());
    }

    [Fact]
    public void Fields_out_of_order_are_refused()
    {
        var w = new ThriftCompactWriter();
        w.StructBegin();
        w.FieldI32(3, 0);
        Assert.Throws<InvalidOperationException>(() => w.FieldI32(2, 0));
    }

    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", "", StringComparison.Ordinal));
}
