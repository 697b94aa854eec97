#!/usr/bin/env bash
# The macro benchmark of issues 2 and 13: throughput and peak RSS of bindertrace commands over a >= 1 GB
# real-derived trace, beside `wc -l` on the same file as the ceiling, in one invocation:
#   1. the commands (stats, and any extra ones given) on SIZE_MB, RUNS rounds taken in turns, medians;
#   2. with BASELINE_CLI=DIR (another build's publish folder), the same commands of that build in the same turns,
#      and the time ratios new/baseline (machines are noisy: ratios from one run count, absolute figures less);
#   3. SIZES="250 1100 3000": peak RSS of every command at each size, and whether it stays flat (within 10 %);
#   4. GZIP=1: each command on SIZE_MB gzipped (gzip -1) against the plain file, and the decompression alone
#      (the same .NET inflater, bench `inflate`), to show whether gzip input is bounded by decompression.
# Usage: bench/throughput.sh [SIZE_MB] [extra bindertrace commands...]
# SIMULATE=0 leaves out the reference allocator's rate (issue 2), printed last.
# DATA_DIR (default bench/data) holds bench-<SIZE>mb.trace[.gz]; they are built there if missing.
# BUILD=aot (default) measures the Native AOT publish for this machine (-r linux-x64, README Install), BUILD=jit the
# portable IL of the tool package.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1100}
capture=${CAPTURE:-../shared/traces/6.12.107+deb13-amd64/contended/trace.txt.gz}
data_dir=${DATA_DIR:-bench/data}
cli_dir=${CLI_DIR:-bench/data/cli}
data=$data_dir/bench-${size_mb}mb.trace

dotnet build bench -c Release -v quiet -nologo >/dev/null
rm -rf "$cli_dir"
case ${BUILD:-aot} in
  aot) dotnet publish cli -c Release -r linux-x64 -o "$cli_dir" -v quiet -nologo >/dev/null ;;
  jit) dotnet publish cli -c Release -o "$cli_dir" -v quiet -nologo >/dev/null ;;
  *) echo "BUILD must be aot or jit" >&2; exit 2 ;;
esac
bench_dll=bench/bin/Release/net10.0/BinderTrace.Bench.dll
trace_of_size() {
  local file=$data_dir/bench-$1mb.trace
  if [ ! -f "$file" ]; then
    echo "building $file from $capture" >&2
    dotnet $bench_dll make-trace "$capture" "$file" "$1" >&2
  fi
  echo "$file"
}
data=$(trace_of_size "$size_mb")
bytes=$(stat -c %s "$data")
mb=$(echo "scale=1; $bytes / 1000000" | bc)   # MB = 10^6 bytes, as the floors are stated
cat "$data" >/dev/null   # warm the page cache so every tool reads from memory

runs=${RUNS:-5}
# One timed run: wall seconds, peak RSS in KB and CPU seconds (user + system, steadier than wall on a busy host).
time_once() {
  local t0 t1 rss user sys
  t0=$(date +%s.%N)
  read -r rss user sys < <( { /usr/bin/time -f '%M %U %S' "$@" >/dev/null; } 2>&1 | tail -n 1)
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc) $rss $(echo "$user + $sys" | bc)"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# The commands take turns, RUNS rounds, so a noisy spell of the machine hits them alike; the median is reported.
subcommands=("stats" "${@:2}")
labels=("wc -l")
commands=("wc -l $data")
for sub in "${subcommands[@]}"; do
  labels+=("$sub")
  commands+=("$cli_dir/bindertrace $sub $data")
done
if [ -n "${BASELINE_CLI:-}" ]; then
  for sub in "${subcommands[@]}"; do
    labels+=("baseline $sub")
    commands+=("$BASELINE_CLI/bindertrace $sub $data")
  done
fi
declare -A times rss cpu
for ((round = 1; round <= runs; round++)); do
  for i in "${!commands[@]}"; do
    read -r secs kb cpus < <(time_once ${commands[$i]})
    times[$i]+="$secs "
    cpu[$i]+="$cpus "
    rss[$i]=$kb
  done
done

echo "input: $data ($mb MB), $runs runs each in turns, median [min-max]; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -a medians
for i in "${!commands[@]}"; do
  m=$(echo "${times[$i]}" | median)
  medians[$i]=$m
  lo=$(echo "${times[$i]}" | tr ' ' '\n' | grep -v '^$' | sort -g | head -n 1)
  hi=$(echo "${times[$i]}" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -n 1)
  printf '%-34s %6.2f s [%5.2f-%5.2f]  %7.1f MB/s  CPU %5.2f s  peak RSS %5d MB\n' "${labels[$i]}" "$m" "$lo" "$hi" "$(echo "$mb / $m" | bc -l)" "$(echo "${cpu[$i]}" | median)" "$((rss[$i] / 1024))"
done
n=${#subcommands[@]}
printf 'stats / wc -l time ratio: %.2f\n' "$(echo "${medians[1]} / ${medians[0]}" | bc -l)"
for ((i = 2; i <= n; i++)); do
  printf '%s / stats time ratio: %.2f (stats throughput kept: %.0f %%)\n' "${labels[$i]%% *}" "$(echo "${medians[$i]} / ${medians[1]}" | bc -l)" "$(echo "100 * ${medians[1]} / ${medians[$i]}" | bc -l)"
done
if [ -n "${BASELINE_CLI:-}" ]; then
  for ((i = 1; i <= n; i++)); do
    printf '%s: new / baseline time ratio %.2f (speed-up %.2fx)\n' "${labels[$i]}" "$(echo "${medians[$i]} / ${medians[$((i + n))]}" | bc -l)" "$(echo "${medians[$((i + n))]} / ${medians[$i]}" | bc -l)"
  done
fi

if [ -n "${SIZES:-}" ]; then
  echo
  echo "peak RSS by input size (one run each):"
  for sub in "${subcommands[@]}"; do
    line=$(printf '%-28s' "$sub")
    lo=0 hi=0
    for size in $SIZES; do
      file=$(trace_of_size "$size")
      read -r secs kb cpus < <(time_once $cli_dir/bindertrace $sub $file)
      line+=$(printf '  %5s MB: %4d MB RSS %6.2f s' "$size" "$((kb / 1024))" "$secs")
      if [ "$lo" -eq 0 ] || [ "$kb" -lt "$lo" ]; then lo=$kb; fi
      if [ "$kb" -gt "$hi" ]; then hi=$kb; fi
    done
    echo "$line  (max/min $(echo "scale=2; $hi / $lo" | bc))"
  done
fi

if [ -n "${GZIP:-}" ]; then
  gz=$data.gz
  [ -f "$gz" ] || gzip -1 -k "$data"
  echo
  echo "gzip input ($gz, $(($(stat -c %s "$gz") / 1000000)) MB compressed), $runs runs each in turns, median wall seconds:"
  declare -A plain packed
  inflate=""
  for ((round = 1; round <= runs; round++)); do
    for sub in "${subcommands[@]}"; do
      read -r secs kb cpus < <(time_once $cli_dir/bindertrace $sub $data)
      plain[$sub]+="$secs "
      read -r secs kb cpus < <(time_once $cli_dir/bindertrace $sub $gz)
      packed[$sub]+="$secs "
    done
    read -r secs kb cpus < <(time_once dotnet $bench_dll inflate $gz)
    inflate+="$secs "
  done
  alone=$(echo "$inflate" | median)
  printf 'decompression alone (GZipStream to nothing): %.2f s\n' "$alone"
  for sub in "${subcommands[@]}"; do
    p=$(echo "${plain[$sub]}" | median)
    g=$(echo "${packed[$sub]}" | median)
    printf '%-28s plain %6.2f s  gzip %6.2f s  gzip rate / plain rate %.2f  gzip time / decompression alone %.2f\n' "$sub" "$p" "$g" "$(echo "$p / $g" | bc -l)" "$(echo "$g / $alone" | bc -l)"
  done
fi

if [ "${SIMULATE:-1}" != 0 ]; then
  echo
  echo "reference allocator, contended preset, 1 simulated second per run:"
  dotnet $bench_dll simulate 1
  echo "the same written as kernel trace text (bindertrace simulate, 1 simulated second, to /dev/null):"
  for design in page-write page-concurrent; do
    /usr/bin/time -f "  $design: %e s wall, peak RSS %M KB" $cli_dir/bindertrace simulate --allocator "$design" --workload contended --seed 1 --duration 1s -o /dev/null
  done
fi
