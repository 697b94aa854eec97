namespace BinderTrace.Analysis.Transactions;

/// <summary>What <see cref="TransactionTracker"/> counted of one transaction (<see cref="CountedTransaction.PagesInProcess"/> under its process filter).</summary>
internal readonly record struct CountedTransaction(
    long SentNs, long ReceivedNs, bool Reply, bool OneWay, long PagesInProcess, long DataSize, long OffsetsSize);

/// <summary>
/// Receives the transactions and round trips <see cref="TransactionTracker"/> counts, as values: a row object per
/// transaction is what made memory grow with the trace, so only sinks that keep rows get <c>TransactionRecord</c>s.
/// </summary>
internal interface ITransactionCounts
{
    void OnTransactionCounted(in CountedTransaction transaction);

    void OnRoundTrip(long requestSentNs, long roundTripNs);
}
