#!/usr/bin/env bash
# Benchmark of gatehouse monitor run: CloudTrail events through the CIS pack (17 metric filters and their alarms),
# de-duplication, event-time windows, checkpoints to a SQLite store and the audit log, end to end in one process.
#
# Input: a realistic CloudTrail log file grown from the records in ../shared/conformance/cloudtrail/ by
# benchmarks/gen_cloudtrail.py (deterministic; cached in ~/.cache/gatehouse-bench/, never in the repository), at two
# sizes, to show that memory stays flat as the input grows. Reports, per size: wall time, CPU time (user + sys, all
# JVM threads), events/s over wall time, events per CPU-second (the per-core figure: what one core sustains, and what
# is meaningful on a shared machine), and peak RSS (from /usr/bin/time -v).
#
# Usage: benchmarks/monitor.sh [SMALL_RECORDS] [LARGE_RECORDS]   (defaults 500000 and 2000000)
# Runs as users do, through bin/gatehouse (serial collector, C2 only for 'monitor run', the JDK 25 AOT cache).
# Environment: JAVA_HOME (default temurin 25), GATEHOUSE_SHARED (default ../shared), JAVA_OPTS added to the launcher's
# (default -Xmx256m: a fixed small heap shows that memory does not grow with the input), RUNS (default 1): runs per size, one row each. On a machine shared with other work the CPU
# time of the same run varies with the load (the load average before each run is printed): compare the least CPU time
# of several runs, or runs at a similar load.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared="${GATEHOUSE_SHARED:-$root/../shared}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java_opts="${JAVA_OPTS:--Xmx256m}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/gatehouse-bench"
small="${1:-500000}"
runs="${RUNS:-1}"
large="${2:-2000000}"
mkdir -p "$cache"
[ -x /usr/bin/time ] || { echo "monitor.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
[ -d "$shared/conformance/cloudtrail" ] || { echo "monitor.sh: no $shared/conformance/cloudtrail (set GATEHOUSE_SHARED)" >&2; exit 2; }

jar="$root/cli/target/gatehouse.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/*/src/main -newer "$jar" -print -quit)" ]; then
  echo "building $jar ..." >&2
  (cd "$root" && mvn -B -ntp -q -DskipTests -Dmaven.test.skip=true -pl cli -am package) >&2
fi

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared with other work)"
echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); bin/gatehouse with: $java_opts"
printf '%-10s %-8s %9s %9s %12s %14s %10s %12s %6s\n' records size wall_s cpu_s events/s events/cpu-s peak_MB transitions load
for n in "$small" "$large"; do
 for ((run = 1; run <= runs; run++)); do
  input="$cache/cloudtrail-$n.json"
  if [ ! -f "$input" ]; then
    echo "generating $input ..." >&2
    python3 "$root/benchmarks/gen_cloudtrail.py" "$shared" "$input" "$n"
  fi
  load=$(cut -d' ' -f1 /proc/loadavg)
  work=$(mktemp -d)
  GATEHOUSE_JAVA_OPTS="$java_opts" /usr/bin/time -v -o "$work/time.txt" "$root/bin/gatehouse" monitor run --pack cis \
    --input "$input" --store "jdbc:sqlite:$work/bench.db" --flush >"$work/out.txt" 2>"$work/err.txt" \
    || { cat "$work/err.txt" >&2; exit 3; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.txt")
  user=$(awk -F': ' '/User time/{print $2}' "$work/time.txt")
  sys=$(awk -F': ' '/System time/{print $2}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$work/time.txt")
  events=$(awk '/records read/{print $1; exit}' "$work/out.txt")
  trans=$(awk '/^transitions:/{print $2; exit}' "$work/out.txt")
  size=$(du -h "$input" | cut -f1)
  awk -v n="$events" -v size="$size" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v t="$trans" -v l="$load" 'BEGIN {
    cpu = u + s; printf "%-10d %-8s %9.1f %9.1f %12.0f %14.0f %10.0f %12d %6s\n", n, size, w, cpu, n / w, n / cpu, r / 1024, t, l }'
  rm -rf "$work"
 done
done
