using BinderTrace.Export.Parquet;
using FsCheck;
using FsCheck.Fluent;

namespace BinderTrace.Tests;

/// <summary>
/// The RLE / bit-packed hybrid encoder against the examples of FORMATS.md §4.4 and Parquet's Encodings.md,
/// plus a round trip through a decoder written here from the spec (not from the encoder).
/// </summary>
public sealed class RleHybridEncoderTests
{
    [Fact]
    public void Definition_levels_1_0_1_1_become_one_bit_packed_group_as_in_FORMATS_4_4()
    {
        Assert.Equal(new byte[] { 0x03, 0x0D }, Encode([1, 0, 1, 1], 1));
    }

    [Fact]
    public void V1_level_section_has_a_u32_length_prefix()
    {
        var body = new PageBodyBuffer();
        ColumnChunkWriter.WriteDefinitionLevels([0b1101], 4, body);
        Assert.Equal(new byte[] { 0x02, 0x00, 0x00, 0x00, 0x03, 0x0D }, body.WrittenSpan.ToArray());
    }

    [Fact]
    public void Zero_to_seven_at_bit_width_3_pack_as_in_Encodings_md()
    {
        // Encodings.md: "the numbers 1 through 7 [0..7] using bit width 3: 10001000 11000110 11111010".
        Assert.Equal(new byte[] { 0x03, 0b10001000, 0b11000110, 0b11111010 }, Encode([0, 1, 2, 3, 4, 5, 6, 7], 3));
    }

    [Fact]
    public void A_run_of_eight_or_more_is_an_rle_run()
    {
        // varint(10 << 1) = 0x14, then the value in ceil(1/8) = 1 byte.
        Assert.Equal(new byte[] { 0x14, 0x01 }, Encode(Enumerable.Repeat(1, 10).ToArray(), 1));
        // 300 zeros at bit width 9: varint(600) = 0xD8 0x04, value in 2 bytes.
        Assert.Equal(new byte[] { 0xD8, 0x04, 0x00, 0x00 }, Encode(new int[300], 9));
    }

    [Fact]
    public void Literal_groups_before_a_run_stay_whole()
    {
        // 8 mixed values (one bit-packed group, never padded mid-stream), then an RLE run of 9 twos.
        int[] values = [0, 1, 0, 1, 0, 1, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2];
        // Group of 8 at width 2: values 0,1,0,1 → 0b01000100 = 0x44 per 4 values; then varint(9 << 1) = 0x12, value 0x02.
        Assert.Equal(new byte[] { 0x03, 0x44, 0x44, 0x12, 0x02 }, Encode(values, 2));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(65535, 16)]
    public void Bit_width_fits_the_largest_value_and_is_at_least_1(int maxValue, int width) =>
        Assert.Equal(width, RleHybridEncoder.BitWidthFor(maxValue));

    [Fact]
    public void Any_sequence_decodes_back_to_itself()
    {
        Prop.ForAll(
            Gen.ArrayOf(Gen.Choose(0, 5)).ToArbitrary(),
            Gen.Choose(3, 20).ToArbitrary(),
            (values, width) => Decode(Encode(values, width), width, values.Length).SequenceEqual(values))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Values_of_every_bit_width_up_to_32_decode_back_to_themselves()
    {
        // Values spanning each width's whole range exercise the word-at-a-time packer across word boundaries.
        Prop.ForAll(
            Gen.Choose(1, 32).SelectMany(width => Gen.ArrayOf(Gen.Choose(0, int.MaxValue).Select(v => (int)((uint)v & (uint)((1L << width) - 1))))
                .Select(values => (width, values))).ToArbitrary(),
            c => Decode(Encode(c.values, c.width), c.width, c.values.Length).SequenceEqual(c.values))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Definition_levels_encode_exactly_as_the_generic_encoder_at_bit_width_1()
    {
        // Levels come in runs (sparse columns) and in mixes: build them from runs of random lengths, up to 3 (long mixed
        // stretches, bit-packed), 10 or 150 (runs longer than a 64-level word).
        var runs = Gen.Elements(3, 10, 150).SelectMany(longest => Gen.ArrayOf(
            Gen.Choose(1, longest).SelectMany(length => Gen.Elements((byte)0, (byte)1).Select(level => Enumerable.Repeat(level, length)))));
        Prop.ForAll(
            runs.Select(r => r.SelectMany(x => x).ToArray()).ToArbitrary(),
            levels =>
            {
                var body = new PageBodyBuffer();
                RleHybridEncoder.EncodeLevels(Bitmap(levels), levels.Length, body);
                var fast = body.WrittenSpan.ToArray();
                return fast.SequenceEqual(Encode(Array.ConvertAll(levels, l => (int)l), 1))
                    && Decode(fast, 1, levels.Length).SequenceEqual(levels.Select(l => (int)l));
            })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Definition_levels_1_0_1_1_pack_as_in_FORMATS_4_4()
    {
        var body = new PageBodyBuffer();
        RleHybridEncoder.EncodeLevels([0b1101], 4, body);
        Assert.Equal(new byte[] { 0x03, 0x0D }, body.WrittenSpan.ToArray());
    }

    /// <summary>Levels as the column buffer keeps them: bit i of word i / 64 is level i.</summary>
    private static ulong[] Bitmap(byte[] levels)
    {
        var bits = new ulong[(levels.Length + 63) / 64];
        for (var i = 0; i < levels.Length; i++)
        {
            bits[i / 64] |= (ulong)levels[i] << (i % 64);
        }

        return bits;
    }

    private static byte[] Encode(int[] values, int bitWidth)
    {
        var body = new PageBodyBuffer();
        RleHybridEncoder.Encode<int>(values, bitWidth, body);
        return body.WrittenSpan.ToArray();
    }

    /// <summary>A straightforward decoder written from Encodings.md: header varint, low bit 1 = bit-packed groups, 0 = RLE.</summary>
    private static List<int> Decode(byte[] data, int bitWidth, int count)
    {
        var result = new List<int>();
        var pos = 0;
        while (result.Count < count)
        {
            var header = 0;
            var shift = 0;
            while (true)
            {
                var b = data[pos++];
                header |= (b & 0x7F) << shift;
                shift += 7;
                if (b < 0x80)
                {
                    break;
                }
            }

            if ((header & 1) == 0)
            {
                var value = 0;
                for (var i = 0; i < (bitWidth + 7) / 8; i++)
                {
                    value |= data[pos++] << (8 * i);
                }

                result.AddRange(Enumerable.Repeat(value, header >> 1));
                continue;
            }

            var values = (header >> 1) * 8;
            for (var v = 0; v < values; v++)
            {
                var x = 0;
                for (var bit = 0; bit < bitWidth; bit++)
                {
                    var absolute = (v * bitWidth) + bit;
                    x |= ((data[pos + (absolute / 8)] >> (absolute % 8)) & 1) << bit;
                }

                result.Add(x);
            }

            pos += (header >> 1) * bitWidth;
        }

        return result.GetRange(0, count);
    }
}
