#!/usr/bin/env bash
# The macro benchmark of issue 2 (and the baseline for issues 4 and 6): throughput and peak RSS of
# `bindertrace stats` over a >= 1 GB real-derived trace, beside `wc -l` on the same file as the ceiling.
# Usage: bench/throughput.sh [SIZE_MB] [extra bindertrace commands...]
# Figures are printed as MB/s and as a ratio to wc -l measured in the same run (machines are noisy).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1100}
capture=${CAPTURE:-../shared/traces/6.12.107+deb13-amd64/contended/trace.txt.gz}
data=bench/data/bench-${size_mb}mb.trace

dotnet build bench -c Release -v quiet -nologo >/dev/null
dotnet publish cli -c Release -o bench/data/cli -v quiet -nologo >/dev/null
if [ ! -f "$data" ]; then
  echo "building $data from $capture"
  dotnet bench/bin/Release/net10.0/BinderTrace.Bench.dll make-trace "$capture" "$data" "$size_mb"
fi
bytes=$(stat -c %s "$data")
mb=$(echo "scale=1; $bytes / 1000000" | bc)   # MB = 10^6 bytes, as the floors are stated
cat "$data" >/dev/null   # warm the page cache so both tools read from memory

measure() { # label, command...
  local label=$1; shift
  local t0 t1 rss
  t0=$(date +%s.%N)
  rss=$( { /usr/bin/time -f '%M' "$@" >/dev/null; } 2>&1 | tail -n 1)
  t1=$(date +%s.%N)
  local secs; secs=$(echo "$t1 - $t0" | bc)
  printf '%-28s %8.2f s  %8.1f MB/s  peak RSS %6d MB\n' "$label" "$secs" "$(echo "$mb / $secs" | bc -l)" "$((rss / 1024))"
  echo "$secs" >"bench/data/.last-${label//[^a-z]/_}"
}

echo "input: $data ($mb MB)"
measure "wc -l" wc -l "$data" | head -n 1
measure "stats" bench/data/cli/bindertrace stats "$data" | head -n 1
for extra in "${@:2}"; do
  measure "$extra" bench/data/cli/bindertrace $extra "$data" | head -n 1
done
wc=$(cat bench/data/.last-wc__l); st=$(cat bench/data/.last-stats)
printf 'stats / wc -l time ratio: %.2f\n' "$(echo "$st / $wc" | bc -l)"
for extra in "${@:2}"; do
  t=$(cat "bench/data/.last-${extra//[^a-z]/_}")
  printf '%s / stats time ratio: %.2f (stats throughput kept: %.0f %%)\n' "${extra%% *}" "$(echo "$t / $st" | bc -l)" "$(echo "100 * $st / $t" | bc -l)"
done

echo
echo "reference allocator, contended preset, 1 simulated second per run:"
dotnet bench/bin/Release/net10.0/BinderTrace.Bench.dll simulate 1
echo "the same written as kernel trace text (bindertrace simulate, 1 simulated second, to /dev/null):"
for design in page-write page-concurrent; do
  /usr/bin/time -f "  $design: %e s wall, peak RSS %M KB" bench/data/cli/bindertrace simulate --allocator "$design" --workload contended --seed 1 --duration 1s -o /dev/null
done
