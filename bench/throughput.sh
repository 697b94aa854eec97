#!/usr/bin/env bash
# The macro benchmark of issue 2 (and the baseline for issues 4 and 6): throughput and peak RSS of
# `bindertrace stats` over a >= 1 GB real-derived trace, beside `wc -l` on the same file as the ceiling.
# Usage: bench/throughput.sh [SIZE_MB] [extra bindertrace commands...]
# Figures are printed as MB/s and as a ratio to wc -l measured in the same run (machines are noisy).
# RUNS=N (default 3) repeats every command N times, in turns, and reports the median with its range.
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

runs=${RUNS:-3}
# One timed run: wall seconds, peak RSS in KB and CPU seconds (user + system, steadier than wall on a busy host).
time_once() {
  local t0 t1 rss user sys
  t0=$(date +%s.%N)
  read -r rss user sys < <( { /usr/bin/time -f '%M %U %S' "$@" >/dev/null; } 2>&1 | tail -n 1)
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc) $rss $(echo "$user + $sys" | bc)"
}

# The commands take turns, RUNS rounds, so a noisy spell of the machine hits them alike; the median is reported.
labels=("wc -l" "stats")
commands=("wc -l $data" "bench/data/cli/bindertrace stats $data")
for extra in "${@:2}"; do
  labels+=("$extra")
  commands+=("bench/data/cli/bindertrace $extra $data")
done
declare -A times rss cpu
for ((round = 1; round <= runs; round++)); do
  for i in "${!commands[@]}"; do
    read -r secs kb cpus < <(time_once ${commands[$i]})
    times[$i]+="$secs "
    cpu[$i]+="$cpus "
    rss[$i]=$kb
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "input: $data ($mb MB), $runs runs each, median [min-max]"
declare -a medians
for i in "${!commands[@]}"; do
  m=$(echo "${times[$i]}" | median)
  medians[$i]=$m
  lo=$(echo "${times[$i]}" | tr ' ' '\n' | grep -v '^$' | sort -g | head -n 1)
  hi=$(echo "${times[$i]}" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -n 1)
  printf '%-34s %6.2f s [%5.2f-%5.2f]  %7.1f MB/s  CPU %5.2f s  peak RSS %5d MB\n' "${labels[$i]}" "$m" "$lo" "$hi" "$(echo "$mb / $m" | bc -l)" "$(echo "${cpu[$i]}" | median)" "$((rss[$i] / 1024))"
done
printf 'stats / wc -l time ratio: %.2f\n' "$(echo "${medians[1]} / ${medians[0]}" | bc -l)"
for ((i = 2; i < ${#commands[@]}; i++)); do
  printf '%s / stats time ratio: %.2f (stats throughput kept: %.0f %%)\n' "${labels[$i]%% *}" "$(echo "${medians[$i]} / ${medians[1]}" | bc -l)" "$(echo "100 * ${medians[1]} / ${medians[$i]}" | bc -l)"
done

echo
echo "reference allocator, contended preset, 1 simulated second per run:"
dotnet bench/bin/Release/net10.0/BinderTrace.Bench.dll simulate 1
echo "the same written as kernel trace text (bindertrace simulate, 1 simulated second, to /dev/null):"
for design in page-write page-concurrent; do
  /usr/bin/time -f "  $design: %e s wall, peak RSS %M KB" bench/data/cli/bindertrace simulate --allocator "$design" --workload contended --seed 1 --duration 1s -o /dev/null
done
