using System.Diagnostics;
using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary>
/// One <c>node summarize.mjs --serve</c> process: a JSON request per line on its stdin, a JSON answer
/// (<c>{"ok": true, "result": …}</c> or <c>{"ok": false, "error": …}</c>) per line on its stdout. Requests are
/// serialised: tests running in parallel wait their turn. The process ends with the test run, when its stdin closes.
/// A process that died is started again for the next request, so one crash fails one test, not all that follow.
/// </summary>
internal sealed class NodeReaderProcess(string script)
{
    private readonly Lock _gate = new();
    private Process? _process;
    private StderrTail? _stderr;

    /// <summary>Sends <paramref name="request"/> and returns the answer's <c>result</c> as JSON text; fails the test, naming <paramref name="what"/>, on an error.</summary>
    public string Ask(string request, string what)
    {
        lock (_gate)
        {
            var process = Running();
            process.StandardInput.WriteLine(request);
            process.StandardInput.Flush();
            var line = process.StandardOutput.ReadLine();
            if (line is null)
            {
                process.WaitForExit();
                var exit = process.ExitCode;
                _process = null;
                Assert.Fail($"node {script} --serve ended (exit {exit}) while answering {what}:\n{_stderr}");
            }

            using var answer = JsonDocument.Parse(line);
            var root = answer.RootElement;
            Assert.True(root.GetProperty("ok").GetBoolean(), $"{what} failed:\n{(root.TryGetProperty("error", out var e) ? e.GetString() : line)}");
            return root.GetProperty("result").GetRawText();
        }
    }

    private Process Running()
    {
        if (_process is { HasExited: false })
        {
            return _process;
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--serve");
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Assert.Fail($"Cannot start node for the Parquet interop readers ({exception.Message}): install Node.js, then `npm install --prefix tests/interop`.");
        }

        _stderr = new StderrTail(_process!);
        return _process!;
    }

    /// <summary>The last lines node wrote to stderr, kept for the failure message of a crash.</summary>
    private sealed class StderrTail
    {
        private readonly Queue<string> _lines = new();

        public StderrTail(Process process)
        {
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (_lines)
                {
                    _lines.Enqueue(e.Data);
                    if (_lines.Count > 50)
                    {
                        _lines.Dequeue();
                    }
                }
            };
            process.BeginErrorReadLine();
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }
}
