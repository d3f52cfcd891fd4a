#!/usr/bin/env bash
# Runs every test project of the solution and prints one closing line: "N passed, N failed, N skipped".
# End-to-end tests drive the real `aws` CLI and `kubectl` found on PATH; the store tests need PostgreSQL (see below).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
postgres_dir=
cleanup() {
  rm -f "$log"
  if [ -n "$postgres_dir" ]; then
    TURNSTILE_PG_DIR=$postgres_dir bash scripts/postgres-test.sh stop || true
    rm -rf "$postgres_dir"
  fi
}
trap cleanup EXIT

# The PostgreSQL tests use the server TURNSTILE_TEST_POSTGRES names; without one, this run starts a throwaway
# cluster of its own (scripts/postgres-test.sh, on a free port, in a temporary directory) and removes it at the end.
# If it cannot start, those tests fail and say why.
if [ -z "${TURNSTILE_TEST_POSTGRES:-}" ]; then
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  postgres_dir=$(mktemp -d)
  if exports=$(TURNSTILE_PG_PORT=$port TURNSTILE_PG_DIR=$postgres_dir bash scripts/postgres-test.sh start); then
    eval "$exports"
  fi
fi

if ! dotnet build Turnstile.sln -c Release -nologo -v quiet >"$log" 2>&1; then
  cat "$log"
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
dotnet test Turnstile.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+), +Skipped: +([0-9]+).*/\2 \3 \4/p' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
