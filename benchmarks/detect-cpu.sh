#!/usr/bin/env bash
# The secrets detector alone, in CPU time of one thread (DetectBench): for comparing detector changes on a shared
# machine, where wall times swing with other work. Input: the added lines of `git log -p --all` of the history
# benchmarks/secrets.sh generates (run that once first). Flags as the launcher runs batch commands (C1 only).
# Usage: benchmarks/detect-cpu.sh [MAX_MB] [PASSES]     (defaults 20 and 5)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
repo="${GATEHOUSE_BENCH_CACHE:-$HOME/.cache/gatehouse-bench}/secrets-10500/repo"
[ -d "$repo" ] || { echo "detect-cpu.sh: no $repo: run benchmarks/secrets.sh --skip-peers first" >&2; exit 2; }
patch="${TMPDIR:-/tmp}/gatehouse-detect-bench.patch"
[ -s "$patch" ] || git -C "$repo" log -p --all > "$patch"
(cd "$root" && mvn -B -ntp -o -q test-compile -pl secrets -am >&2)
cpfile=$(mktemp); trap 'rm -f "$cpfile"' EXIT
(cd "$root/secrets" && mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test >&2)
cp=$(cat "$cpfile")
"$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel="${GATEHOUSE_TIER:-1}" -Xss8m \
  -cp "$root/secrets/target/test-classes:$root/secrets/target/classes:$root/core/target/classes:$cp" \
  gatehouse.secrets.bench.DetectBench "$patch" "${1:-20}" "${2:-5}"
