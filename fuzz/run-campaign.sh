#!/usr/bin/env bash
# Runs an afl++ campaign over every fuzz target for MINUTES minutes in total (split evenly between targets).
# Needs: apt-get install -y afl++; dotnet tool install --global SharpFuzz.CommandLine (instruments the assemblies).
# New crashes land in fuzz/findings/TARGET/default/crashes/: copy each to fuzz/crashes/TARGET-NAME (the name's
# prefix picks the target) and the corpus replay test (FuzzCorpusReplayTests) keeps it as a regression test.
set -euo pipefail
minutes=${1:?usage: fuzz/run-campaign.sh MINUTES [TARGET...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/fuzz/findings
build=$(mktemp -d)
dotnet publish "$root/fuzz/BinderTrace.Fuzz.csproj" -c Release -o "$build" > /dev/null
for assembly in BinderTrace.Parsers.dll BinderTrace.Analysis.dll; do
  sharpfuzz "$build/$assembly"
done
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(text text-strict trace-dat perfetto report-json gates); fi
seconds=$(( minutes * 60 / ${#targets[@]} ))
for target in "${targets[@]}"; do
  corpus=$root/fuzz/corpus/${target%-strict}
  mkdir -p "$out/$target"
  echo "== $target: ${seconds}s from $corpus"
  # The .NET host is not instrumented itself, the loaded assemblies are (SharpFuzz): hence AFL_SKIP_BIN_CHECK.
  AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    timeout --preserve-status "$seconds" afl-fuzz -i "$corpus" -o "$out/$target" -t 10000 -m none \
    -- dotnet "$build/BinderTrace.Fuzz.dll" "$target" > "$out/$target.log" 2>&1 || true
  stats=$out/$target/default/fuzzer_stats
  if [ -f "$stats" ]; then grep -E '^(execs_done|run_time|saved_crashes|saved_hangs)' "$stats"; fi
done
