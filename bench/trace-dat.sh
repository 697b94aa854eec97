#!/usr/bin/env bash
# Issue 10's benchmark: events/s reading trace-cmd's trace.dat, beside `trace-cmd report > /dev/null` on the
# same file and beside the text path on the same events.
#   small: the 6.12 contended capture: trace.dat (v7, zstd) and its trace.txt (gunzipped, the same events)
#   large: a >= SIZE_MB trace.dat built from that capture's trace.v6.dat.gz (pages repeated, timestamps shifted),
#          beside bench/throughput.sh's large text trace built from the same capture's text
# Usage: bench/trace-dat.sh [SIZE_MB]   (RUNS=N repeats each command, median reported; needs trace-cmd)
# Figures are ratios measured in the same run: the machine is shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-1100}
runs=${RUNS:-3}
capture=../shared/traces/6.12.107+deb13-amd64/contended
bench=bench/bin/Release/net10.0/BinderTrace.Bench.dll
cli=bench/data/cli/bindertrace

dotnet build bench -c Release -v quiet -nologo >/dev/null
dotnet publish cli -c Release -o bench/data/cli -v quiet -nologo >/dev/null
mkdir -p bench/data
[ -f bench/data/contended.v6.dat ] || zcat "$capture/trace.v6.dat.gz" > bench/data/contended.v6.dat
[ -f bench/data/contended.txt ] || zcat "$capture/trace.txt.gz" > bench/data/contended.txt
large_dat=bench/data/bench-${size_mb}mb.dat
large_txt=bench/data/bench-${size_mb}mb.trace
[ -f "$large_dat" ] || dotnet "$bench" make-dat bench/data/contended.v6.dat "$large_dat" "$size_mb"
[ -f "$large_txt" ] || dotnet "$bench" make-trace "$capture/trace.txt.gz" "$large_txt" "$size_mb"
cat "$large_dat" "$large_txt" >/dev/null   # warm the page cache

events() { "$cli" stats --json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["event_count"])'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
seconds() {
  local all="" t0 t1
  for ((r = 1; r <= runs; r++)); do
    t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
    all+="$(echo "$t1 - $t0" | bc) "
  done
  echo "$all" | median
}

report() {  # label, events, seconds
  printf '%-44s %10d events %8.2f s %12.0f events/s\n' "$1" "$2" "$3" "$(echo "$2 / $3" | bc -l)" >&2
  echo "$2 / $3" | bc -l
}

echo "trace-cmd $(trace-cmd --version 2>/dev/null | head -n 1 || true); $runs runs each, median"
small_events=$(events "$capture/trace.dat")
large_events=$(events "$large_dat")
large_txt_events=$(events "$large_txt")
s_dat=$(report "small trace.dat (v7 zstd): bindertrace stats" "$small_events" "$(seconds "$cli" stats "$capture/trace.dat")" | tail -n 1)
s_tc=$(report "small trace.dat: trace-cmd report" "$small_events" "$(seconds trace-cmd report -i "$capture/trace.dat")" | tail -n 1)
s_txt=$(report "small trace.txt (same events): bindertrace stats" "$small_events" "$(seconds "$cli" stats bench/data/contended.txt)" | tail -n 1)
l_dat=$(report "large trace.dat (v6): bindertrace stats" "$large_events" "$(seconds "$cli" stats "$large_dat")" | tail -n 1)
l_tc=$(report "large trace.dat: trace-cmd report" "$large_events" "$(seconds trace-cmd report -i "$large_dat")" | tail -n 1)
l_txt=$(report "large text (same mix): bindertrace stats" "$large_txt_events" "$(seconds "$cli" stats "$large_txt")" | tail -n 1)
printf 'events/s ratio, bindertrace on .dat / trace-cmd report: small %.1f, large %.1f\n' "$(echo "$s_dat / $s_tc" | bc -l)" "$(echo "$l_dat / $l_tc" | bc -l)"
printf 'events/s ratio, bindertrace on .dat / on text:          small %.2f, large %.2f\n' "$(echo "$s_dat / $s_txt" | bc -l)" "$(echo "$l_dat / $l_txt" | bc -l)"
/usr/bin/time -f "peak RSS of bindertrace stats on the large .dat: %M KB" "$cli" stats "$large_dat" >/dev/null
