#!/usr/bin/env bash
# Does a change to export keep every table's content? Exports each shared capture (text and one trace.dat) and the
# 250 MB bench trace with a baseline build and with this worktree's build, all tables, and compares the files byte
# for byte once the tool version (0.1.0+<commit>, in the footer's created_by and bindertrace.version) is made equal.
# Equal bytes mean equal decoded content; a change of encoding (e.g. DELTA_BINARY_PACKED timestamps) makes the bytes
# differ by design, and then the tables must be compared decoded instead (DuckDB, tests/BinderTrace.Export.Tests).
# Usage: BASELINE_CLI=/path/to/publish/bindertrace bench/export-identity.sh   (DATA_DIR as in bench/throughput.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=${BASELINE_CLI:?BASELINE_CLI=path of the baseline build\'s bindertrace}
data_dir=${DATA_DIR:-bench/data}
dotnet build cli -c Release -v quiet -nologo >/dev/null
current="dotnet cli/bin/Release/net10.0/bindertrace.dll"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

traces=(../shared/traces/*/*/trace.txt.gz ../shared/traces/6.12.107+deb13-amd64/contended/trace.dat "$data_dir/bench-250mb.trace")
differ=0
for i in "${!traces[@]}"; do
  trace=${traces[$i]}
  "$baseline" export "$trace" -o "$work/base-$i" >/dev/null
  $current export "$trace" -o "$work/new-$i" >/dev/null
  for file in "$work/base-$i"/*.parquet; do
    other="$work/new-$i/$(basename "$file")"
    if python3 - "$file" "$other" <<'PY'
import re, sys
a, b = (open(p, 'rb').read() for p in sys.argv[1:3])
version = rb'0\.1\.0\+([0-9a-f]{40})'
ma, mb = re.search(version, a), re.search(version, b)
sys.exit(0 if ma and mb and a == b.replace(mb.group(1), ma.group(1)) else 1)
PY
    then
      echo "same    $(basename "$file")  $trace"
    else
      echo "DIFFERS $(basename "$file")  $trace"
      differ=1
    fi
  done
done
exit $differ
