namespace BinderTrace.Parsers;

/// <summary>
/// Reads <see cref="TextBlock"/>s from a <see cref="LineBlockReader"/> and parses them on several worker threads,
/// handing them out in input order. A worker reads the next block (reading is serialised, so gzip decompression
/// runs on one thread while the others parse) and then parses it; a bounded ring of blocks keeps memory flat: a
/// worker waits while the block it would fill is still held by the reader.
/// </summary>
internal sealed class ConcurrentBlockParser : IDisposable
{
    // A worker may be waiting for input that never comes (a live pipe after a strict-mode error or Ctrl-C): it is a
    // background thread, so after this long the reader stops waiting for it and the input is closed under it.
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(1);

    private readonly LineBlockReader _reader;
    private readonly Func<TextBlockParser> _newParser;
    private readonly TextBlock[] _blocks;
    private readonly bool[] _ready;
    private readonly bool[] _free;
    private readonly Thread[] _workers;
    private readonly object _gate = new();
    private readonly object _readLock = new();
    private long _nextToRead;
    private long _nextToHand;
    private bool _readerFinished;
    private bool _stopping;
    private bool _cancelled;
    private TextBlock? _handed;
    private bool _started;

    public ConcurrentBlockParser(LineBlockReader reader, Func<TextBlockParser> newParser, int workers, int blockBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _reader = reader;
        _newParser = newParser;
        _blocks = new TextBlock[(2 * workers) + 2];
        _ready = new bool[_blocks.Length];
        _free = new bool[_blocks.Length];
        for (var i = 0; i < _blocks.Length; i++)
        {
            _blocks[i] = new TextBlock(blockBytes);
            _free[i] = true;
        }

        _workers = new Thread[workers];
        for (var i = 0; i < workers; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = "bindertrace parse " + i };
        }
    }

    /// <summary>
    /// The next block in input order, valid until the next call (which gives it back to the workers). The last one
    /// is a <see cref="TextBlockKind.End"/> block; do not call again after it.
    /// </summary>
    public TextBlock Next()
    {
        if (!_started)
        {
            _started = true;
            foreach (var worker in _workers)
            {
                worker.Start();
            }
        }

        lock (_gate)
        {
            if (_handed is not null)
            {
                _free[(int)((_nextToHand - 1) % _blocks.Length)] = true;
                _handed = null;
                Monitor.PulseAll(_gate);
            }

            var slot = (int)(_nextToHand % _blocks.Length);
            while (!_ready[slot])
            {
                if (_cancelled)
                {
                    throw new OperationCanceledException("The read was cancelled while the parse workers waited for input.");
                }

                Monitor.Wait(_gate);
            }

            _ready[slot] = false;
            _nextToHand++;
            _handed = _blocks[slot];
            return _handed;
        }
    }

    /// <summary>
    /// Makes <see cref="Next"/> give up, now or at its next wait, with <see cref="OperationCanceledException"/>; from
    /// any thread. A worker blocked reading a silent pipe cannot be woken, but the caller waiting for it can.
    /// </summary>
    public void CancelWaits()
    {
        lock (_gate)
        {
            _cancelled = true;
            Monitor.PulseAll(_gate);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }

        if (_started)
        {
            // One deadline for all: workers blocked on the same silent pipe would otherwise add their waits up.
            var deadline = Environment.TickCount64 + (long)StopWait.TotalMilliseconds;
            foreach (var worker in _workers)
            {
                worker.Join(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
            }
        }
    }

    private void Work()
    {
        var parser = _newParser();
        while (true)
        {
            TextBlock block;
            int slot;
            lock (_readLock)
            {
                if (_readerFinished)
                {
                    return;
                }

                slot = (int)(_nextToRead % _blocks.Length);
                lock (_gate)
                {
                    while (!_free[slot] && !_stopping)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_stopping)
                    {
                        return;
                    }

                    _free[slot] = false;
                }

                _nextToRead++;
                block = _blocks[slot];
                block.Error = null;
                try
                {
                    _reader.Fill(block);
                }
                catch (Exception exception)
                {
                    // Handed to the reader in order, after the blocks before it, where a single-threaded read would throw.
                    block.Error = exception;
                    block.Kind = TextBlockKind.End;
                }

                _readerFinished = block.Kind == TextBlockKind.End;
            }

            if (block.Kind == TextBlockKind.Lines)
            {
                try
                {
                    parser.Parse(block);
                }
                catch (Exception exception)
                {
                    block.Error = exception;
                }
            }

            lock (_gate)
            {
                _ready[slot] = true;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
