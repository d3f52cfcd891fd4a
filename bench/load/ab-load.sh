#!/usr/bin/env bash
# Interleaved A/B load runs: the same signed request (bench/load/sign-request.py), the same wrk settings, against
# two already-built trees in turn, ROUNDS times, so that both see the same machine conditions. Prints one line per run
# with the load average read just before it and the server's CPU time per request over the measured window
# (user + system time of the server process from /proc, divided by wrk's request count): under contention from other
# processes throughput swings widely, CPU time per request much less.
#   OLD=DIR (a worktree of the older commit, built with `dotnet build -c Release`)   NEW=DIR (default: this tree)
#   VARIANTS="old:memory new:memory new:sqlite"   OPERATIONS="get-caller-identity describe-cluster"
#   ROUNDS=3 DURATION=10 WARMUP=3 CONNECTIONS=32 THREADS=2 PORT=4599
# `old:` serves with `--in-memory` (the only store of the older tree); `new:STORE` with `--store` (sqlite: a fresh
# file in a temporary directory; a postgresql://... location is emptied with `turnstile reset` before each run and
# printed without its credentials, e.g. new:postgresql://turnstile:turnstile@127.0.0.1:55432/postgres). Both pick a free port for the Kubernetes API (never 6443). Bounded: each run is
# WARMUP + DURATION seconds plus the server's start.
set -euo pipefail
cd "$(dirname "$0")/../.."
NEW=${NEW:-$PWD}
OLD=${OLD:?OLD=DIR of the older tree}
VARIANTS=${VARIANTS:-"old:memory new:memory new:sqlite"}
OPERATIONS=${OPERATIONS:-"get-caller-identity describe-cluster"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-4599}
KEY=AKIAIOSFODNN7EXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
REGION=ap-northeast-2
work=$(mktemp -d)
server=
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime (the command name has no spaces: dotnet)

run_one() { # variant operation
  local tree=${1%%:*} store=${1#*:} op=$2 dll args log script out
  if [ "$tree" = old ]; then dll=$OLD/src/Turnstile/bin/Release/net10.0/turnstile.dll; args=(--in-memory)
  else
    dll=$NEW/src/Turnstile/bin/Release/net10.0/turnstile.dll
    case $store in
      sqlite) rm -f "$work"/load.db*; args=(--store "sqlite:$work/load.db") ;;
      postgresql://*) dotnet "$dll" reset --store "$store" --yes >/dev/null; args=(--store "$store") ;;
      *) args=(--store "$store") ;;
    esac
  fi
  log=$work/serve.log
  dotnet "$dll" serve "${args[@]}" --port "$PORT" --kube-port 0 > "$log" 2>&1 &
  server=$!
  for _ in $(seq 1 150); do grep -q "AWS endpoint" "$log" && break; sleep 0.2; done
  grep -q "AWS endpoint" "$log" || { cat "$log"; exit 1; }
  if [ "$op" = describe-cluster ]; then
    AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_DEFAULT_REGION=$REGION \
      aws eks create-cluster --name load --role-arn arn:aws:iam::111122223333:role/eks --resources-vpc-config subnetIds=a,b >/dev/null
  fi
  script=$work/request.lua
  python3 bench/load/sign-request.py "http://127.0.0.1:$PORT" "$KEY" "$SECRET" "$REGION" "$op" > "$script"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "http://127.0.0.1:$PORT/" >/dev/null
  local load cpu0 cpu1; load=$(cut -d' ' -f1-3 /proc/loadavg)
  cpu0=$(cpu_ticks "$server")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" "http://127.0.0.1:$PORT/")
  cpu1=$(cpu_ticks "$server")
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  local rps p50 p99 non2xx errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); errors=$(awk '/Socket errors/ {print $0}' <<<"$out")
  local requests cpu_us
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu_us=$(awk -v t=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  printf '%s\t%-20s %-14s load %-16s %10s req/s  cpu %6s us/req  p50 %-8s p99 %-8s non-2xx %s %s\n' \
    "$(date -u +%H:%M:%S)" "$op" "${1%%://*}" "$load" "$rps" "$cpu_us" "$p50" "$p99" "${non2xx:-0}" "$errors"
}

for round in $(seq 1 "$ROUNDS"); do
  for op in $OPERATIONS; do
    for variant in $VARIANTS; do run_one "$variant" "$op"; done
  done
done
