using System.Globalization;
using System.Numerics;
using Parquet.Serialization;

namespace BinderTrace.Tests;

/// <summary>
/// The fourth independent reader: Parquet.Net, the .NET ecosystem's Parquet library, reading with the file's own
/// schema (no field overrides). Gives the same summary shape as <see cref="InteropReaders"/>: rows, and per
/// column the non-null count, sum of numbers and booleans, min and max of numbers, strings and timestamps
/// (timestamps as nanoseconds since the epoch, exact where the reader keeps them exact).
/// </summary>
public static class ParquetNetReader
{
    public const string Name = "parquet.net";

    public static ReaderSummary Summarize(string path)
    {
        using var stream = File.OpenRead(path);
        var result = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult();
        var fields = result.Schema.GetDataFields();
        var columns = fields.ToDictionary(f => f.Name, _ => new Accumulator());
        foreach (var row in result.Data)
        {
            foreach (var field in fields)
            {
                columns[field.Name].Add(row.TryGetValue(field.Name, out var value) ? value : null);
            }
        }

        return new ReaderSummary(
            Name,
            result.Data.Count,
            columns.ToDictionary(c => c.Key, c => c.Value.Summary()),
            fields.ToDictionary(f => f.Name, f => f.ClrType.Name),
            new Dictionary<string, string>(),
            new Dictionary<string, string>(),
            null,
            null);
    }

    /// <summary>Nanoseconds since the Unix epoch of a timestamp as Parquet.Net hands it out.</summary>
    private static BigInteger Nanoseconds(DateTime value) => new BigInteger(value.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private sealed class Accumulator
    {
        private long _count;
        private BigInteger? _sum;
        private string? _min;
        private string? _max;
        private BigInteger? _minNumber;
        private BigInteger? _maxNumber;

        public void Add(object? value)
        {
            switch (value)
            {
                case null:
                    return;
                case bool b:
                    _count++;
                    _sum = (_sum ?? 0) + (b ? 1 : 0);
                    return;
                case string s:
                    _count++;
                    _min = _min is null || string.CompareOrdinal(s, _min) < 0 ? s : _min;
                    _max = _max is null || string.CompareOrdinal(s, _max) > 0 ? s : _max;
                    return;
                case DateTime t:
                    AddNumber(Nanoseconds(t), sum: false);
                    return;
                case byte[]:
                    _count++;
                    return;
                default:
                    AddNumber(new BigInteger(Convert.ToDecimal(value, CultureInfo.InvariantCulture)), sum: true);
                    return;
            }
        }

        public ColumnSummary Summary() => new(
            _count,
            _sum?.ToString(CultureInfo.InvariantCulture),
            _minNumber?.ToString(CultureInfo.InvariantCulture) ?? _min,
            _maxNumber?.ToString(CultureInfo.InvariantCulture) ?? _max);

        private void AddNumber(BigInteger number, bool sum)
        {
            _count++;
            if (sum)
            {
                _sum = (_sum ?? 0) + number;
            }

            _minNumber = _minNumber is null || number < _minNumber ? number : _minNumber;
            _maxNumber = _maxNumber is null || number > _maxNumber ? number : _maxNumber;
        }
    }
}
