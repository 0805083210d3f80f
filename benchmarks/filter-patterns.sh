#!/usr/bin/env bash
# Micro-benchmark of CloudWatch filter pattern evaluation (monitor/src/test/java/.../FilterPatternBenchmark.java):
# every CIS filter of ../shared/conformance/detective/cis-filters.json against the 461 CloudTrail records of the
# Panther test events, one thread. Prints pattern evaluations/s on parsed records and records/s end to end.
# Usage: benchmarks/filter-patterns.sh [SECONDS_PER_MEASUREMENT]   (needs a built tree: mvn -pl monitor -am test-compile)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared="${GATEHOUSE_SHARED:-$root/../shared}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$root"
[ -d monitor/target/test-classes ] || mvn -B -ntp -q -pl monitor -am test-compile
cp=$(mvn -B -ntp -q -o -pl monitor dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test 2>/dev/null || true)
[ -n "$cp" ] || { echo "filter-patterns.sh: could not resolve the class path (run mvn -pl monitor -am test-compile online once)" >&2; exit 2; }
core=$(ls core/target/gatehouse-core-*.jar 2>/dev/null | head -1 || true)
exec "$JAVA_HOME/bin/java" -Xmx512m -cp "monitor/target/test-classes:monitor/target/classes:core/target/classes:guard/target/classes:$cp" \
  gatehouse.monitor.filter.FilterPatternBenchmark "$shared" "${1:-5}"
