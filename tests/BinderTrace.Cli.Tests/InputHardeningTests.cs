using System.Text.Json;

namespace BinderTrace.Tests;

/// <summary>Issue 12 items 1, 6 and 8 end to end: what reaches the user from damaged, strange or foreign input.</summary>
public sealed class InputHardeningTests : IDisposable
{

    private readonly string _dir = Directory.CreateTempSubdirectory("bindertrace-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Stats_json_has_one_key_per_event_name_when_some_of_its_payloads_are_malformed()
    {
        var path = Write("t.txt",
            "# tracer: nop\n" +
            Line(1, "binder_alloc_page_start: proc=268 page_index=3") +
            Line(2, "binder_alloc_page_start: proc=268 page_index=oops") +
            Line(3, "binder_alloc_page_start: proc=268 page_index=4"));

        var result = CliRun.Invoke("stats", "--json", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Single(JsonKeys(result.Output, "events"), "binder_alloc_page_start");
        using var json = JsonDocument.Parse(result.Output);
        // 3 lines written above, one with a malformed payload: all three are counted under the one name.
        Assert.Equal(3, json.RootElement.GetProperty("events").GetProperty("binder_alloc_page_start").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("malformed_payloads").GetInt64());
    }

    [Fact]
    public void An_uncounted_loss_reaches_stats_as_unknown_and_makes_gate_refuse_unless_allowed()
    {
        var clean = Write("base.txt", "# tracer: nop\n" + Line(1, "binder_alloc_page_start: proc=268 page_index=3"));
        var lossy = Write("cand.txt", "# tracer: nop\n" + Line(1, "binder_alloc_page_start: proc=268 page_index=3") +
            "CPU:3 [LOST EVENTS]\n" + Line(2, "binder_alloc_page_start: proc=268 page_index=4"));
        var gates = Write("gates.json", """{"gates": [{"metric": "pages.installs", "max_increase": "10%"}]}""");
        var allowing = Write("allow.json", """{"gates": [{"metric": "pages.installs", "max_increase": "10%"}], "allow": ["lost_events"]}""");

        var stats = CliRun.Invoke("stats", "--json", lossy);
        var refused = CliRun.Invoke("gate", "--config", gates, "--baseline", clean, "--candidate", lossy);
        var allowed = CliRun.Invoke("gate", "--config", allowing, "--baseline", clean, "--candidate", lossy);

        Assert.Equal(0, stats.ExitCode);
        using var json = JsonDocument.Parse(stats.Output);
        Assert.False(json.RootElement.GetProperty("lost_events_known").GetBoolean());
        Assert.Equal(1, json.RootElement.GetProperty("lost_event_markers_without_count").GetInt64());
        Assert.Equal(3, refused.ExitCode);
        // The gate text wraps at 120 columns (and the temp paths are long): read it as one line.
        Assert.Contains("an unknown number of events lost", string.Join(' ', refused.Output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.NotEqual(3, allowed.ExitCode);
        Assert.NotEqual(1, allowed.ExitCode);
    }

    [Fact]
    public void Export_to_an_existing_file_is_an_input_error_that_leaves_the_file_alone()
    {
        var trace = Write("t.txt", "# tracer: nop\n" + Line(1, "binder_alloc_page_start: proc=268 page_index=3"));
        var existing = Write("out.parquet", "keep me");

        var result = CliRun.Invoke("export", trace, "-o", existing);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is an existing file", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(existing));
    }

    [Fact]
    public void Export_to_dash_is_refused_instead_of_creating_a_folder_named_dash()
    {
        var trace = Write("t.txt", "# tracer: nop\n" + Line(1, "binder_alloc_page_start: proc=268 page_index=3"));
        var dashFolderBefore = Directory.Exists("-");

        var result = CliRun.Invoke("export", trace, "-o", "-");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("-o -: export writes a folder", result.Error, StringComparison.Ordinal);
        Assert.Equal(dashFolderBefore, Directory.Exists("-"));
    }

    private static List<string> JsonKeys(string json, string objectName)
    {
        // Utf8JsonReader sees duplicate keys that JsonDocument lookups would hide.
        var keys = new List<string>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        var depth = -1;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.GetString() == objectName)
            {
                depth = reader.CurrentDepth + 1;
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth)
            {
                keys.Add(reader.GetString()!);
            }
            else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth - 1)
            {
                depth = -1;
            }
        }

        return keys;
    }

    private static string Line(int microsecond, string body) =>
        $"       binder_wl-272     [003] .....     5.00930{microsecond}: {body}\n";

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
