using BinderTrace.Analysis.Quantiles;

namespace BinderTrace.Analysis.Transactions;

/// <summary>Transaction counts and distributions of one trace (or of the transactions to and from one process).</summary>
public sealed class TransactionStatistics
{
    public long Count { get; internal set; }

    public long Replies { get; internal set; }

    public long OneWay { get; internal set; }

    /// <summary>Pages the senders installed while allocating the target buffers.</summary>
    public long PagesInstalled { get; internal set; }

    /// <summary>Transactions whose buffer allocation installed at least one page.</summary>
    public long WithPageInstalls { get; internal set; }

    /// <summary>Buffer bytes requested (data + offsets) per transaction; a size distribution, not a time.</summary>
    public DurationDistribution BufferBytes { get; } = new();

    /// <summary><c>binder_transaction</c> → <c>binder_transaction_received</c>.</summary>
    public DurationDistribution DeliveryNs { get; } = new();

    /// <summary>Two-way request sent → its reply received by the requester.</summary>
    public DurationDistribution RoundTripNs { get; } = new();

    /// <summary>Counts one transaction: the whole trace's statistics and each phase's take it the same way.</summary>
    internal void Add(in CountedTransaction t)
    {
        Count++;
        Replies += t.Reply ? 1 : 0;
        OneWay += t.OneWay ? 1 : 0;
        PagesInstalled += t.PagesInProcess;
        WithPageInstalls += t.PagesInProcess > 0 ? 1 : 0;
        if (t.DataSize >= 0)
        {
            BufferBytes.Add(t.DataSize + t.OffsetsSize);
        }

        if (t.ReceivedNs >= 0)
        {
            DeliveryNs.Add(t.ReceivedNs - t.SentNs);
        }
    }
}
