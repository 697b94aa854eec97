using BinderTrace.Fuzz;

namespace BinderTrace.Tests;

/// <summary>
/// The fuzz seed corpus and every crash input found so far, replayed through the fuzz targets without afl: each
/// must end normally or with an error meant for the user. A crash file's name starts with its target's name.
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    private static readonly string Fuzz = Path.Combine(RepositoryPaths.Root, "fuzz");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Directory.GetDirectories(Path.Combine(Fuzz, "corpus")))
        {
            foreach (var file in Directory.GetFiles(folder))
            {
                var corpus = Path.GetFileName(folder);
                data.Add(corpus, Path.GetRelativePath(Fuzz, file));
                if (corpus == "text")
                {
                    data.Add("text-strict", Path.GetRelativePath(Fuzz, file));
                }
            }
        }

        foreach (var file in Directory.GetFiles(Path.Combine(Fuzz, "crashes")))
        {
            var name = Path.GetFileName(file);
            var target = FuzzTargets.All.Keys.Where(t => name.StartsWith(t + "-", StringComparison.Ordinal)).MaxBy(t => t.Length)
                ?? throw new InvalidOperationException($"{name}: a crash input's name must start with its target's name");
            data.Add(target, Path.GetRelativePath(Fuzz, file));
        }

        return data;
    }

    [Fact]
    public void The_corpus_has_seeds_for_every_target_family_and_the_crashes_found_so_far()
    {
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Fuzz, "corpus", "text")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Fuzz, "corpus", "report-json")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Fuzz, "corpus", "gates")));
        Assert.True(Directory.GetFiles(Path.Combine(Fuzz, "crashes")).Length >= 3);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Input_ends_normally_or_with_a_user_error(string target, string file)
    {
        using var input = File.OpenRead(Path.Combine(Fuzz, file));

        FuzzTargets.Run(FuzzTargets.All[target], input);
    }
}
