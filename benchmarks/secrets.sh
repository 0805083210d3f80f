#!/usr/bin/env bash
# Secrets in git history: times Gatehouse against git-secrets and secretlint on one generated repository
# (gen_secrets_repo.py: 10,500 commits on 3 feature branches, main and tags, >= 100 MB of `git log -p --all`,
# 50 planted secrets: 30 present at HEAD, 12 deleted by a later commit, 8 only in commit messages), in the
# same invocation, as whole processes, and prints wall time, peak RSS, recall (planted secrets found, out of
# 50: present/deleted/message) and false positives (findings that match no planted secret; in brackets the
# distinct texts, since a history scanner may report one harmless line many times) for:
#   (i)   git log -p --all > /dev/null             what reading every diff of the history costs (the floor
#                                                  for tools built on it)
#   (ii)  git secrets --register-aws, then --scan-history, in a throwaway clone
#   (iii) secretlint "**/*" with the recommended preset over the HEAD tree (it cannot see history)
#   (iv)  gatehouse secrets scan --history REPO -f json
# then the ratio of Gatehouse's time to git log's. (i) and (iv) run in alternating pairs, --rounds times (after
# the peers, so that neither follows a different load): the table shows each one's median, and the ratio is taken
# per round and its median printed, since a shared machine's speed drifts between rounds more than within one.
# Scoring: benchmarks/score_secrets.py.
# Usage: benchmarks/secrets.sh [--commits N] [--rounds N] [--skip-peers] [--keep]
#   --commits N   size of the generated history (default 10500)
#   --rounds N    pairs of (i) and (iv) runs (default 3)
#   --skip-peers  run only (i) and (iv): no peer installation
#   --keep        keep the scratch directory (clone, HEAD tree, every tool's output) and print its path
# The repository is generated once into ${GATEHOUSE_BENCH_CACHE:-~/.cache/gatehouse-bench}/secrets-N and
# reused while gen_secrets_repo.py is unchanged. Peers go to ${GATEHOUSE_PEERS:-~/.cache/gatehouse-peers}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/benchmarks"
shared="${GATEHOUSE_SHARED:-$root/../shared}"
commits=10500; rounds=3; skip_peers=""; keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --commits) commits="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --skip-peers) skip_peers=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "secrets.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

peers="${GATEHOUSE_PEERS:-$HOME/.cache/gatehouse-peers}"
secretlint="$peers/secretlint/node_modules/.bin/secretlint"
if [ -z "$skip_peers" ]; then
  [ -f "$shared/peers/install-peers.sh" ] || { echo "secrets.sh: $shared/peers not found (set GATEHOUSE_SHARED)" >&2; exit 2; }
  bash "$shared/peers/install-peers.sh" "$peers" >/dev/null
fi
gh="$root/bin/gatehouse"
"$gh" --version >/dev/null            # builds and trains the start-up archive if needed

# The generated repository, reused while the generator is the same.
cache="${GATEHOUSE_BENCH_CACHE:-$HOME/.cache/gatehouse-bench}/secrets-$commits"
repo="$cache/repo"; planted="$cache/planted.jsonl"
gen_hash=$(sha256sum "$bench/gen_secrets_repo.py" | cut -d' ' -f1)
if [ ! -f "$planted" ] || [ "$(cat "$cache/generator.sha256" 2>/dev/null)" != "$gen_hash" ]; then
  echo "generating $repo ..." >&2
  rm -rf "$cache"; mkdir -p "$cache"
  python3 "$bench/gen_secrets_repo.py" "$cache" --commits "$commits" | tee "$cache/generator.log" >&2
  echo "$gen_hash" > "$cache/generator.sha256"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-secrets.XXXXXX")
if [ -n "$keep" ]; then trap 'echo "kept: $tmp" >&2' EXIT; else trap 'rm -rf "$tmp"' EXIT; fi

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

# row NAME SECONDS RSS_KB EXIT [SCORE: found present deleted message fps distinct]
row() {
  local name=$1 s=$2 kb=$3 rc=$4 recall=- split=- fp=-; shift 4
  [ $# -eq 6 ] && { recall="$1/50"; split="$2/$3/$4"; fp="$5 ($6)"; }
  printf '%-38s %8.2f s %6d MB %6s %12s   %-26s exit %s\n' "$name" "$s" "$((kb / 1024))" "$recall" "$split" "$fp" "$rc"
}
score() { python3 "$bench/score_secrets.py" --brief "$@" "$planted"; }

size=$(sed -n 's/^git log -p --all: //p' "$cache/generator.log" 2>/dev/null || true)
echo "Secrets in history: $(git -C "$repo" rev-list --all --count) commits on $(git -C "$repo" for-each-ref | wc -l) refs, git log -p --all ${size:-?}, 50 planted (30 present / 12 deleted / 8 in messages); peers one run each, (i) and (iv) the median of $rounds alternating rounds"
printf '%-38s %10s %9s %6s %12s   %-26s %s\n' tool wall 'peak RSS' recall 'pres/del/msg' 'false positives (distinct)' exit

if [ -z "$skip_peers" ]; then
  # (ii) git-secrets registers its patterns in the repository's config: a clone keeps the cached one clean
  if command -v git-secrets >/dev/null 2>&1; then
    git clone -q "$repo" "$tmp/clone"
    git -C "$tmp/clone" secrets --register-aws >/dev/null
    read -r s kb < <(measure gitsecrets 1 git -C "$tmp/clone" secrets --scan-history)
    cat "$tmp/gitsecrets.out" "$tmp/gitsecrets.err" > "$tmp/gitsecrets.txt"   # it reports on stderr
    # shellcheck disable=SC2046
    row "(ii)  git-secrets --scan-history" "$s" "$kb" "$(cat "$tmp/gitsecrets.rc")" $(score --git-secrets "$tmp/gitsecrets.txt")
  else
    echo "(ii)  git-secrets: not installed (install-peers.sh needs root for the Debian package)"
  fi
  # (iii) secretlint sees one tree: main's HEAD, exported without .git
  mkdir -p "$tmp/head"
  git -C "$repo" archive main | tar -x -C "$tmp/head"
  read -r s kb < <(cd "$tmp/head" && measure secretlint 1 "$secretlint" --secretlintrc "$peers/secretlint/.secretlintrc.json" \
                     --format unix --no-maskSecrets --no-color "**/*")
  # shellcheck disable=SC2046
  row "(iii) secretlint \"**/*\" (HEAD tree)" "$s" "$kb" "$(cat "$tmp/secretlint.rc")" $(score --secretlint "$tmp/secretlint.out")
fi

# (i) the floor: git computes and prints every diff (exec so that the redirection costs nothing extra), and
# (iv) Gatehouse (exit 1 means "secrets found": the expected verdict, not a failure), in alternating pairs
log_all=(); gh_all=(); ratios=(); log_kb=0; gh_kb=0
for ((round = 0; round < rounds; round++)); do
  read -r t kb < <(measure gitlog 1 bash -c 'exec git -C "$1" log -p --all >/dev/null' _ "$repo")
  log_all+=("$t"); [ "$kb" -gt "$log_kb" ] && log_kb=$kb
  read -r g kb < <(measure gatehouse 1 "$gh" secrets scan --history "$repo" -f json -o "$tmp/gatehouse.json")
  gh_all+=("$g"); [ "$kb" -gt "$gh_kb" ] && gh_kb=$kb
  ratios+=("$(awk -v g="$g" -v l="$t" 'BEGIN { printf "%.2f", (l > 0) ? g / l : 0 }')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
log_s=$(median "${log_all[@]}"); gh_s=$(median "${gh_all[@]}")
row "(i)   git log -p --all > /dev/null" "$log_s" "$log_kb" "$(cat "$tmp/gitlog.rc")"
gh_rc=$(cat "$tmp/gatehouse.rc")
if [ "$gh_rc" -le 1 ]; then
  # shellcheck disable=SC2046
  row "(iv)  gatehouse secrets scan --history" "$gh_s" "$gh_kb" "$gh_rc" $(score "$tmp/gatehouse.json")
else
  row "(iv)  gatehouse secrets scan --history" "$gh_s" "$gh_kb" "$gh_rc"
  sed 's/^/    /' "$tmp/gatehouse.err" >&2
fi
echo "gatehouse / git log -p --all: $(median "${ratios[@]}")x the time (median of rounds: ${ratios[*]}; git log ${log_all[*]} s, gatehouse ${gh_all[*]} s)"
