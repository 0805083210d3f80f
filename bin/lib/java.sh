# Sourced by bin/gatehouse, bin/test and .ci/run: picks a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, `java` on PATH, then the newest JDK under /usr/lib/jvm (and macOS/SDKMAN locations).
# The choice (home and feature version) is cached in target/.java-home (keyed on the candidate still existing)
# to keep start-up low: no `java -version` on the hot path.

gh_java_major() { # $1 = path to a java binary; prints its feature version (17, 21, 25, ...) or nothing
  local v
  v=$("$1" -version 2>&1 | sed -n '1s/.*version "\([0-9][0-9]*\)\(\.[^"]*\)\{0,1\}".*/\1/p')
  [ "$v" = 1 ] && v=8
  printf '%s' "$v"
}

gh_select_java() { # $1 = cache dir; sets and exports JAVA_HOME, or returns 1
  local cache="$1/.java-home" c home major
  if [ -z "${GATEHOUSE_NO_JAVA_CACHE:-}" ] && [ -f "$cache" ]; then
    { IFS= read -r home; IFS= read -r major || true; } < "$cache"
    if [ -x "$home/bin/java" ] && { [ -z "${JAVA_HOME:-}" ] || [ "$JAVA_HOME" = "$home" ]; }; then
      export JAVA_HOME="$home"; GH_JAVA_MAJOR="${major:-}"; return 0
    fi
  fi
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  c=$(command -v java 2>/dev/null || true)
  [ -n "$c" ] && candidates+=("$(readlink -f "$c")")
  # newest first: sort the JDK directories by the version number in their names
  while IFS= read -r c; do candidates+=("$c"); done < <(
    ls -d /usr/lib/jvm/*/bin/java /usr/local/lib/jvm/*/bin/java /opt/java/*/bin/java \
          "$HOME"/.sdkman/candidates/java/*/bin/java /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java 2>/dev/null \
      | sort -t- -k2 -V -r)
  for c in "${candidates[@]}"; do
    [ -x "$c" ] || continue
    major=$(gh_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      home=$(cd "$(dirname "$c")/.." && pwd)
      export JAVA_HOME="$home"
      GH_JAVA_MAJOR="$major"
      mkdir -p "$1" 2>/dev/null && printf '%s\n%s\n' "$home" "$major" > "$cache" 2>/dev/null
      return 0
    fi
  done
  echo "gatehouse: no JDK 21 or newer found (looked at \$JAVA_HOME, java on PATH, /usr/lib/jvm/*)" >&2
  echo "  hint: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME" >&2
  return 1
}
