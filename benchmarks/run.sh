#!/usr/bin/env bash
# Times Gatehouse against the real cfn-guard 3.1.1 on the same inputs, in the same invocation, as whole
# processes, and prints wall time, peak RSS and the ratio (cfn-guard / Gatehouse) for each workload:
#   (a) batch:   237 Control Tower rules x 20 real templates   (target ratio >= 10)
#   (b) large:   the same rules x one 5,000-resource template, JSON and YAML (target >= 100, RSS <= 300 MB)
#   (c) startup: the same 237 rules x one empty template        (target >= 1: parse every rule, evaluate nothing)
#   (d) scan:    `gatehouse scan` (built-in pack, intrinsic resolution, all reports' data) over the 20 templates
#                against cfn-guard with the 237 Control Tower rules over the same files (issue #3: well under)
# Usage: benchmarks/run.sh [--runs N] [--skip-peer-large] [--only a|b|c|d]
# cfn-guard needs ~275 s and 1.5 GB for each (b) input; --skip-peer-large reuses the figure from the
# last run (benchmarks/results/peer-large.txt) or the documented one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared="${GATEHOUSE_SHARED:-$root/../shared}"
runs=3; skip_peer_large=""; only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --skip-peer-large) skip_peer_large=1; shift ;;
    --only) only="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -d "$shared/bench/guard" ] || { echo "run.sh: $shared/bench/guard not found (set GATEHOUSE_SHARED)" >&2; exit 2; }

peers="${GATEHOUSE_PEERS:-$HOME/.cache/gatehouse-peers}"
bash "$shared/peers/install-peers.sh" "$peers" >/dev/null
cfn="$peers/cfn-guard/cfn-guard"
rules="$peers/cfn-guard/control-tower-rules"
gh="$root/bin/gatehouse"
"$gh" --version >/dev/null            # builds and trains the start-up archive if needed
results="$root/benchmarks/results"; mkdir -p "$results"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'Resources: {}\n' > "$tmp/empty.yaml"
printf 'rule r { Resources.*.Type exists }\n' > "$tmp/one.guard"

# measure LABEL N CMD... -> prints "median_seconds max_rss_kb" and the last exit code to LABEL.rc
measure() {
  local label=$1 n=$2; shift 2
  local times=() rss=0 i t m
  for ((i = 0; i < n; i++)); do
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/$label.out" 2>"$tmp/$label.err" && echo 0 >"$tmp/$label.rc" || echo $? >"$tmp/$label.rc"
    read -r t m < <(tail -1 "$tmp/time")
    times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
  done
  printf '%s\n' "${times[@]}" | sort -g | awk -v r="$rss" '{a[NR]=$1} END {printf "%s %d\n", a[int((NR+1)/2)], r}'
}

row() { # name peer_s peer_kb ours_s ours_kb peer_rc ours_rc
  awk -v n="$1" -v ps="$2" -v pk="$3" -v os="$4" -v ok="$5" -v prc="$6" -v orc="$7" 'BEGIN {
    ratio = (os > 0) ? ps / os : 0
    printf "%-26s %10.2f s %8.0f MB %10.2f s %8.0f MB %9.1fx   exit %s/%s\n", n, ps, pk/1024, os, ok/1024, ratio, prc, orc }'
}

echo "Gatehouse vs cfn-guard $("$cfn" --version | awk '{print $2}') — median of $runs runs (large: 1 run each), whole processes"
printf '%-26s %12s %11s %12s %11s %10s\n' workload cfn-guard rss gatehouse rss ratio
if [ -z "$only" ] || [ "$only" = a ]; then
  read -r ps pk < <(measure peer_a "$runs" "$cfn" validate -r "$rules" -d "$shared/bench/guard/templates20" -S none)
  read -r os ok < <(measure ours_a "$runs" "$gh" guard validate -r "$rules" -d "$shared/bench/guard/templates20" -S none)
  row "(a) 237 rules x 20" "$ps" "$pk" "$os" "$ok" "$(cat "$tmp/peer_a.rc")" "$(cat "$tmp/ours_a.rc")"
fi
if [ -z "$only" ] || [ "$only" = b ]; then
  for ext in json yaml; do
    data="$shared/bench/guard/large-5000.$ext"
    if [ -n "$skip_peer_large" ]; then
      if [ -f "$results/peer-large-$ext.txt" ]; then read -r ps pk prc < "$results/peer-large-$ext.txt"; else ps=275; pk=1572864; prc="?"; fi
    else
      read -r ps pk < <(measure peer_b 1 "$cfn" validate -r "$rules" -d "$data" -S none); prc=$(cat "$tmp/peer_b.rc")
      echo "$ps $pk $prc" > "$results/peer-large-$ext.txt"
    fi
    read -r os ok < <(measure ours_b 1 "$gh" guard validate -r "$rules" -d "$data" -S none)
    row "(b) 237 rules x 5000 $ext" "$ps" "$pk" "$os" "$ok" "$prc" "$(cat "$tmp/ours_b.rc")"
  done
fi
if [ -z "$only" ] || [ "$only" = c ]; then
  read -r ps pk < <(measure peer_c "$((runs * 3))" "$cfn" validate -r "$rules" -d "$tmp/empty.yaml" -S none)
  read -r os ok < <(measure ours_c "$((runs * 3))" "$gh" guard validate -r "$rules" -d "$tmp/empty.yaml" -S none)
  row "(c) start-up, 237 rules" "$ps" "$pk" "$os" "$ok" "$(cat "$tmp/peer_c.rc")" "$(cat "$tmp/ours_c.rc")"
  read -r ps pk < <(measure peer_c1 "$((runs * 3))" "$cfn" validate -r "$tmp/one.guard" -d "$tmp/empty.yaml")
  read -r os ok < <(measure ours_c1 "$((runs * 3))" "$gh" guard validate -r "$tmp/one.guard" -d "$tmp/empty.yaml")
  row "(c') one rule, empty" "$ps" "$pk" "$os" "$ok" "$(cat "$tmp/peer_c1.rc")" "$(cat "$tmp/ours_c1.rc")"
fi
if [ -z "$only" ] || [ "$only" = d ]; then
  # the scan gate exits 1 on findings; that is its verdict, not a failure of the run
  read -r ps pk < <(measure peer_d "$runs" "$cfn" validate -r "$rules" -d "$shared/bench/guard/templates20" -S none)
  read -r os ok < <(measure ours_d "$runs" "$gh" scan "$shared/bench/guard/templates20" -f json -o "$tmp/scan.json")
  row "(d) scan pack x 20" "$ps" "$pk" "$os" "$ok" "$(cat "$tmp/peer_d.rc")" "$(cat "$tmp/ours_d.rc")"
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('    scan: %d templates, %d findings, decision %s' % (len(d.get('templates', d.get('files', []))), len(d['findings']), d['decision']['outcome']))" "$tmp/scan.json" 2>/dev/null || true
fi
