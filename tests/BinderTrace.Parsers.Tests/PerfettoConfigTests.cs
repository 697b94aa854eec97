using System.Text.RegularExpressions;

namespace BinderTrace.Tests;

/// <summary>
/// docs/perfetto-binder.pbtxt, the config the README tells users to record with, must be valid text proto and
/// use only field names of Perfetto's TraceConfig messages, so that <c>perfetto --txt</c> accepts it. The
/// schema below is copied by hand from Perfetto's protos/perfetto/config (trace_config.proto,
/// data_source_config.proto, ftrace/ftrace_config.proto, process_stats/process_stats_config.proto;
/// FORMATS.md §3 names compact_sched and denser_generic_event_encoding).
/// </summary>
public partial class PerfettoConfigTests
{
    /// <summary>Message → field → the nested message's name, or null for a scalar field.</summary>
    private static readonly Dictionary<string, Dictionary<string, string?>> Schema = new()
    {
        ["TraceConfig"] = new() { ["buffers"] = "BufferConfig", ["data_sources"] = "DataSource", ["duration_ms"] = null, ["write_into_file"] = null, ["file_write_period_ms"] = null },
        ["BufferConfig"] = new() { ["size_kb"] = null, ["fill_policy"] = null },
        ["DataSource"] = new() { ["config"] = "DataSourceConfig" },
        ["DataSourceConfig"] = new() { ["name"] = null, ["target_buffer"] = null, ["ftrace_config"] = "FtraceConfig", ["process_stats_config"] = "ProcessStatsConfig" },
        ["FtraceConfig"] = new()
        {
            ["ftrace_events"] = null, ["atrace_categories"] = null, ["atrace_apps"] = null, ["buffer_size_kb"] = null,
            ["drain_period_ms"] = null, ["compact_sched"] = "CompactSchedConfig", ["denser_generic_event_encoding"] = null,
            ["disable_generic_events"] = null, ["symbolize_ksyms"] = null,
        },
        ["CompactSchedConfig"] = new() { ["enabled"] = null },
        ["ProcessStatsConfig"] = new() { ["scan_all_processes_on_start"] = null, ["record_thread_names"] = null },
    };

    private static string ConfigPath => Path.Combine(RepositoryPaths.Root, "docs", "perfetto-binder.pbtxt");

    [Fact]
    public void The_readme_config_is_text_proto_with_perfetto_field_names()
    {
        var tokens = Tokenize(File.ReadAllText(ConfigPath));
        var position = 0;
        var fields = new List<(string Path, string Value)>();

        ParseMessage(tokens, ref position, "TraceConfig", "", fields, topLevel: true);

        Assert.Equal(tokens.Count, position);
        string[] events = ["binder/*", "mmap_lock/*", "sched/sched_switch", "sched/sched_wakeup", "ftrace/print"];
        var recorded = fields.Where(f => f.Path == "data_sources.config.ftrace_config.ftrace_events").Select(f => f.Value.Trim('"'));
        Assert.Equal(events, recorded);
        Assert.Contains(fields, f => f.Path == "data_sources.config.name" && f.Value == "\"linux.ftrace\"");
        Assert.Contains(fields, f => f.Path == "data_sources.config.ftrace_config.buffer_size_kb");
        Assert.Contains(fields, f => f.Path == "buffers.size_kb");
    }

    [Fact]
    public void The_checker_rejects_a_misspelt_field_and_an_unclosed_message()
    {
        Assert.ThrowsAny<Exception>(() => Check("buffers { size_kbb: 1 }"));
        Assert.ThrowsAny<Exception>(() => Check("buffers { size_kb: 1 "));
        Check("buffers { size_kb: 1 }");
    }

    private static void Check(string text)
    {
        var tokens = Tokenize(text);
        var position = 0;
        ParseMessage(tokens, ref position, "TraceConfig", "", [], topLevel: true);
        Assert.Equal(tokens.Count, position);
    }

    private static void ParseMessage(List<string> tokens, ref int position, string message, string path, List<(string, string)> fields, bool topLevel)
    {
        var known = Schema[message];
        while (position < tokens.Count && tokens[position] != "}")
        {
            var name = tokens[position++];
            Assert.True(known.ContainsKey(name), $"{message} has no field '{name}'");
            var fieldPath = path.Length == 0 ? name : path + "." + name;
            var child = known[name];
            if (tokens[position] == ":")
            {
                position++;
            }

            if (child is not null)
            {
                Assert.Equal("{", tokens[position++]);
                ParseMessage(tokens, ref position, child, fieldPath, fields, topLevel: false);
                Assert.Equal("}", tokens[position++]);
            }
            else
            {
                var value = tokens[position++];
                Assert.Matches(ScalarPattern(), value);
                fields.Add((fieldPath, value));
            }
        }

        Assert.True(topLevel || position < tokens.Count, $"{message} is not closed");
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        foreach (Match match in TokenPattern().Matches(text))
        {
            if (!match.Value.StartsWith('#') && !string.IsNullOrWhiteSpace(match.Value))
            {
                tokens.Add(match.Value);
            }
        }

        var rebuilt = string.Concat(TokenPattern().Matches(text).Select(m => m.Value));
        Assert.Equal(text, rebuilt);
        return tokens;
    }

    // Comments, whitespace, strings, identifiers/enums/bools, numbers, punctuation: every character must belong to one.
    [GeneratedRegex("""#[^\n]*|\s+|"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+(?:\.[0-9]+)?|[:{}]""")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("""^("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+(?:\.[0-9]+)?)$""")]
    private static partial Regex ScalarPattern();
}
