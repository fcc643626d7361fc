#!/usr/bin/env bash
# End-to-end benchmark: generate seeded registers, lint them with a release
# build and the builtin packs, and print wall time, assets per second and
# peak memory for each size.
#
#   bash benches/run.sh              # 100k and 1M assets
#   SIZES="10k 100k 1m 10m" bash benches/run.sh
#   BIN=/path/to/other/assetlint bash benches/run.sh   # time another build
#
# Data goes to ${BENCH_DIR:-/tmp/assetlint-bench}; nothing is written into
# the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-"100k 1m"}
dir=${BENCH_DIR:-/tmp/assetlint-bench}
cargo build --release --quiet --bin assetlint --example gen-register
bin=${BIN:-target/release/assetlint}
gen=target/release/examples/gen-register
printf '| assets | register | wall time | assets/s | peak memory | findings |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: |\n'
for size in $sizes; do
  data="$dir/$size"
  [ -f "$data/devices.csv" ] || "$gen" --assets "$size" --out "$data" 2>/dev/null
  n=$(($(wc -l < "$data/devices.csv") - 1))
  bytes=$(stat -c %s "$data/devices.csv")
  # Best of three runs; time(1) reports wall seconds and peak RSS in KiB.
  best=""
  for _ in 1 2 3; do
    out=$( { /usr/bin/time -f '%e %M' "$bin" check "$data/devices.csv" \
        --sites "$data/sites.csv" --date 2026-01-01 --format json --fail-on never \
        -o "$dir/report-$size.json"; } 2>&1 | tail -n 1)
    if [ -z "$best" ] || awk -v a="${out%% *}" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
      best=$out
    fi
  done
  wall=${best%% *}
  rss=${best##* }
  findings=$(grep -c '"rule":' "$dir/report-$size.json" || true)
  awk -v n="$n" -v b="$bytes" -v w="$wall" -v r="$rss" -v f="$findings" 'BEGIN{
    printf "| %d | %.0f MB | %.2f s | %.0f | %.1f MiB | %d |\n", n, b/1e6, w, (w>0?n/w:0), r/1024, f }'
done
