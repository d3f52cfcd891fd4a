#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks, on loopback only.
#
#   eval "$(bash scripts/postgres-test.sh start)"   # starts it (creating it once) and exports TURNSTILE_TEST_POSTGRES
#   bash scripts/postgres-test.sh stop             # stops it
#   bash scripts/postgres-test.sh status
#
# Settings (environment): TURNSTILE_PG_PORT (default 55432), TURNSTILE_PG_DIR (default $TMPDIR/turnstile-postgres-PORT),
# PG_BIN (the directory of pg_ctl and initdb; default the newest /usr/lib/postgresql/*/bin or PATH).
# The cluster runs with fsync off: it is for tests, not for data. As root it runs as the `postgres` user (PostgreSQL
# refuses to run as root). The test user is `turnstile` with password `turnstile`, allowed to create databases.
set -euo pipefail

port=${TURNSTILE_PG_PORT:-55432}
dir=${TURNSTILE_PG_DIR:-${TMPDIR:-/tmp}/turnstile-postgres-$port}
location="postgresql://turnstile:turnstile@127.0.0.1:$port/postgres"

say() { echo "postgres-test: $*" >&2; }

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/pg_ctl" ]; then echo "$newest"; return; fi
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  say "PostgreSQL server programs (initdb, pg_ctl) not found; install them (Debian: apt-get install postgresql) or set PG_BIN"
  exit 1
}

# Runs a server program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; }

bin=$(find_bin)
case "${1:-}" in
  start)
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      say "running as root needs the 'postgres' system user (Debian's postgresql package creates it)"
      exit 1
    fi
    if ! running; then
      if [ ! -f "$dir/data/PG_VERSION" ]; then
        mkdir -p "$dir"
        if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
        printf 'turnstile\n' > "$dir/password"
        chmod 644 "$dir/password"
        as_owner "$bin/initdb" -D "$dir/data" -U turnstile --pwfile="$dir/password" --auth=scram-sha-256 \
          --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
      fi
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        say "port $port is taken by another program; set TURNSTILE_PG_PORT to a free port"
        exit 1
      fi
      as_owner "$bin/pg_ctl" start -D "$dir/data" -w -t 60 -l "$dir/server.log" \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
      say "started on 127.0.0.1:$port (data in $dir/data)"
    fi
    echo "export TURNSTILE_TEST_POSTGRES=$location"
    ;;
  stop)
    if running; then as_owner "$bin/pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null; say "stopped"; else say "not running"; fi
    ;;
  status)
    if running; then say "running on 127.0.0.1:$port"; echo "export TURNSTILE_TEST_POSTGRES=$location"; else say "not running"; exit 3; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
