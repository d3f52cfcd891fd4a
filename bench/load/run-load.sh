#!/usr/bin/env bash
# Load run: signed STS GetCallerIdentity requests against `turnstile serve --in-memory` on loopback, with wrk.
# Needs wrk (Debian package `wrk`) and python3 with botocore (the aws CLI's library). Bounded: DURATION seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-4599}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
KEY=AKIAIOSFODNN7EXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

dotnet build src/Turnstile -c Release -nologo -v quiet >/dev/null
dotnet src/Turnstile/bin/Release/net10.0/turnstile.dll serve --in-memory --port "$PORT" > /tmp/turnstile-load-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "AWS endpoint" /tmp/turnstile-load-serve.log && break; sleep 0.2; done

script=$(mktemp --suffix .lua)
python3 bench/load/sign-get-caller-identity.py "http://127.0.0.1:$PORT" "$KEY" "$SECRET" us-east-1 > "$script"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$script" "http://127.0.0.1:$PORT/"
