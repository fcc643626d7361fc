#!/usr/bin/env bash
# assetlint side by side with the policy-engine peers of ../shared/bench
# (regorus, OPA, cfn-guard): the same data, the same rule, one run.
#
#   bash ../shared/bench/run.sh setup      # once: installs the peers under /tmp (see its README)
#   bash benches/peers.sh                  # 1M devices, 3 rounds
#   SIZES="100k 1m" RUNS=5 bash benches/peers.sh
#
# The peers are invoked exactly as ../shared/bench/engines.sh says (sourced
# here, not copied); assetlint and this repository's two baselines
# (benches/baseline_*_join.rs) are added beside them. Every program runs
# once per round, in turn, so that load on a shared machine hits all of them
# alike. The table gives each one's median wall time, the median of its
# per-round ratios to baseline-csv-join, its peak RSS (GNU time) and the
# violation count it reported, checked against gen.py's truth.json.
#
# assetlint runs benches/one_rule.toml (the peers' rule: manufacturer
# contains hikvision or dahua, ignoring case, at a sensitive site) with full
# identification and a JSON report with spans, on devices.csv + sites.csv
# and on the documents doc.json / doc.yaml (sites and devices in one file).
# cfn-guard is left out at 1M, as in ../shared/bench (it passes 18 GiB).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
shared=${SHARED_BENCH:-../shared/bench}
# shellcheck source=/dev/null
. "$shared/engines.sh"
sizes=${SIZES:-1m}
runs=${RUNS:-3}
date=2026-01-01
cargo build --release --quiet --bin assetlint --example baseline-csv-join --example baseline-json-join
bin=${BIN:-$repo/target/release/assetlint}
ex=$repo/target/release/examples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# cfn-guard needs about 27 MiB per 1,000 devices (../shared/bench/README.md).
SKIP=${SKIP:-"guard_doc_json@1m guard_doc_yaml@1m guard_doc_json@10m guard_doc_yaml@10m"}
skipped() { case " $SKIP " in *" $1@$2 "*) return 0 ;; esac; return 1; }
n_of() { case $1 in *k) echo $((${1%k} * 1000)) ;; *m) echo $((${1%m} * 1000000)) ;; *) echo "$1" ;; esac; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# The command line of a program (plain words: paths without spaces).
cmd() {
  local p=$1 size=$2 d=$DATA/$2
  local lint=("$bin" check --config "$repo/benches/shared-bench.toml" --policy "$repo/benches/one_rule.toml"
    --date $date --format json --fail-on never -o "$work/$p.json")
  case $p in
  assetlint-csv) echo "${lint[@]}" "$d/devices.csv" --sites "$d/sites.csv" ;;
  assetlint-doc-json) echo "${lint[@]}" "$d/doc.json" ;;
  assetlint-doc-yaml) echo "${lint[@]}" "$d/doc.yaml" ;;
  baseline-csv) echo "$ex/baseline-csv-join" "$d/sites.csv" "$d/devices.csv" ;;
  baseline-json) echo "$ex/baseline-json-join" "$d/doc.json" ;;
  *) engine_cmd "$p" "$size" ;;
  esac
}

# The violation count a program reported, from its saved output.
count() {
  local p=$1
  case $p in
  assetlint-*) grep -c '"rule": *"bench/banned-at-sensitive"' "$work/$p.json" || true ;;
  regorus_*) "$PY" -c 'import json,sys; print(json.load(sys.stdin)["result"][0]["expressions"][0]["value"])' < "$work/$p.out" ;;
  guard_*) "$PY" "$BENCH_DIR/peers/count_guard.py" < "$work/$p.out" ;;
  *) tail -n 1 "$work/$p.out" ;;
  esac
}

status=0
printf '| devices | program | input | median wall | × baseline-csv | peak RSS | count | truth |\n'
printf '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |\n'
for size in $sizes; do
  n=$(n_of "$size")
  d=$DATA/$size
  [ -f "$d/truth.json" ] || "$PY" "$shared/gen.py" --n "$n" --out "$d" > /dev/null
  truth=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["violations"])' "$d/truth.json")
  progs="baseline-csv assetlint-csv baseline-json assetlint-doc-json assetlint-doc-yaml"
  for e in regorus_doc_json regorus_doc_yaml opa_doc_json opa_doc_yaml guard_doc_json guard_doc_yaml; do
    skipped "$e" "$size" && continue
    case $e in
    regorus_*) [ -x "$REGORUS" ] ;; opa_*) [ -x "$VENV/bin/python" ] ;; guard_*) [ -x "$GUARD" ] ;;
    esac || { echo "note: $e is not installed (bash $shared/run.sh setup); left out" >&2; continue; }
    progs="$progs $e"
  done
  : > "$work/times"
  for round in $(seq "$runs"); do
    for p in $progs; do
      start=$EPOCHREALTIME
      # shellcheck disable=SC2046 # the command is plain words
      /usr/bin/time -f %M -o "$work/rss" $(cmd "$p" "$size") > "$work/$p.out" 2> "$work/$p.err" || true
      end=$EPOCHREALTIME
      printf '%s %s %s %s\n' "$round" "$p" "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.4f", b-a}')" \
        "$(tail -n 1 "$work/rss")" >> "$work/times"
    done
  done
  for p in $progs; do
    got=$(count "$p")
    [ "$got" = "$truth" ] || { echo "MISMATCH: $p reported $got, truth is $truth" >&2; status=1; }
    case $p in
    *csv*) input="CSV (devices + sites)" ;; *yaml*) input="YAML document" ;; *) input="JSON document" ;;
    esac
    wall=$(awk -v p="$p" '$2 == p { print $3 }' "$work/times" | median)
    ratio=$(awk -v p="$p" '{ t[$1 " " $2] = $3 }
      END { for (k in t) { split(k, a, " "); if (a[2] == p) print t[k] / t[a[1] " baseline-csv"] } }' \
      "$work/times" | median)
    rss=$(awk -v p="$p" '$2 == p && $4 > m { m = $4 } END { print m }' "$work/times")
    awk -v w="$wall" -v r="$ratio" -v m="$rss" -v row="| $n | $p | $input" -v tail="| $got | $truth |" \
      'BEGIN { printf "%s | %.2f s | %.1f× | %.0f MiB %s\n", row, w, r, m / 1024, tail }'
  done
done
exit $status
