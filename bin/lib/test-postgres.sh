#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests, on loopback only, in its own data directory.
#
#   eval "$(bin/lib/test-postgres.sh start)"   # starts it (or reuses the one already running) and prints
#                                               # export GATEHOUSE_TEST_POSTGRES_URL=jdbc:postgresql://...
#   bin/test -pl store                          # the PostgreSQL cases now run instead of being skipped
#   bin/lib/test-postgres.sh stop               # stops it and deletes its data directory
#   bin/lib/test-postgres.sh status             # prints the URL of the running one, exit 1 when none
#
# Needs PostgreSQL's server binaries (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql).
# With GATEHOUSE_PG_INSTALL=1 and root, a missing server is installed from the distribution's packages (CI does this).
# The server runs as the calling user, or as 'postgres' when called as root (initdb refuses root). It listens on
# 127.0.0.1 at a free port, accepts password (SCRAM) logins only, and holds one database, gatehouse_test, owned by
# user gatehouse with a random password; each test makes and drops its own schema in it.
# Data directory: $GATEHOUSE_PG_DIR, default ${TMPDIR:-/tmp}/gatehouse-test-pg-$UID.
# Exit status: 0 started (or already running), 2 cannot start (the reason on stderr, with the server's log tail).
set -euo pipefail

dir="${GATEHOUSE_PG_DIR:-${TMPDIR:-/tmp}/gatehouse-test-pg-$(id -u)}"
data="$dir/data"
envfile="$dir/env"

die() { echo "test-postgres: $*" >&2; exit 2; }

find_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return 0; fi
  # Debian keeps the server binaries off PATH, one directory per major version: take the newest
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  for d in /usr/local/bin /opt/homebrew/bin /usr/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  return 1
}

# as_owner CMD...: runs CMD as the user that owns the server (postgres when we are root)
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() { [ -f "$envfile" ] && [ -f "$data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

free_port() {
  local p i
  for i in $(seq 1 50); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    # a port nobody answers on is free for our purposes (the server's own bind is the final check)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

bindir=$(find_bindir || true)
cmd="${1:-start}"

case "$cmd" in
  status)
    [ -n "$bindir" ] && running && { cat "$envfile"; exit 0; }
    exit 1 ;;
  stop)
    if [ -n "$bindir" ] && [ -f "$data/postmaster.pid" ]; then
      as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    exit 0 ;;
  start) ;;
  *) die "unknown command '$cmd' (start, stop or status)" ;;
esac

if [ -z "$bindir" ]; then
  if [ "${GATEHOUSE_PG_INSTALL:-}" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-postgres: installing PostgreSQL from the distribution's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    # faster, and nothing left running: no default cluster (we make our own), no man-page index rebuild
    mkdir -p /etc/postgresql-common
    [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    echo "man-db man-db/auto-update boolean false" | debconf-set-selections 2>/dev/null || true
    apt-get update -q >/dev/null || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends postgresql >/dev/null || die "apt-get install postgresql failed"
    bindir=$(find_bindir) || die "postgresql installed but no initdb found under /usr/lib/postgresql"
  else
    die "no PostgreSQL server binaries (initdb, pg_ctl) found; install them (apt-get install postgresql) or set GATEHOUSE_PG_INSTALL=1 as root"
  fi
fi

if running; then cat "$envfile"; exit 0; fi

# a stale directory (killed server, reboot) is started afresh
if [ -f "$data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true; fi
rm -rf "$dir"
mkdir -p "$dir"
chmod 700 "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"

password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
pwfile="$dir/pw"
( umask 077; printf '%s\n' "$password" > "$pwfile" )
[ "$(id -u)" = 0 ] && chown postgres: "$pwfile"

# superuser 'postgres' (local socket, peer/trust for the owner only), app user via SCRAM over TCP
as_owner "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
  >"$dir/initdb.log" 2>&1 || { tail -20 "$dir/initdb.log" >&2; die "initdb failed (log above)"; }

started=
for attempt in 1 2 3 4 5; do
  port=$(free_port) || die "no free TCP port found on 127.0.0.1"
  # the socket lives in our directory: /var/run/postgresql may not exist or be writable
  if as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=100" \
      start >/dev/null 2>&1; then
    started=1; break
  fi
  grep -qi "address already in use\|could not bind" "$dir/server.log" 2>/dev/null || break
done
[ -n "$started" ] || { tail -20 "$dir/server.log" >&2 2>/dev/null || true; die "the server did not start (log above)"; }

psql=("$bindir/psql" -h "$dir" -p "$port" -U postgres -X -q -v ON_ERROR_STOP=1)
as_owner "${psql[@]}" -d postgres >/dev/null <<SQL || die "cannot create the test database and user"
CREATE ROLE gatehouse LOGIN PASSWORD '$password';
CREATE DATABASE gatehouse_test OWNER gatehouse;
SQL
as_owner "${psql[@]}" -d gatehouse_test -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC" >/dev/null

url="jdbc:postgresql://127.0.0.1:$port/gatehouse_test?user=gatehouse&password=$password"
{
  echo "export GATEHOUSE_TEST_POSTGRES_URL='$url'"
  echo "export GATEHOUSE_TEST_POSTGRES_VERSION='$("$bindir/postgres" --version | awk '{print $3}')'"
} > "$envfile"
chmod 600 "$envfile"
cat "$envfile"
