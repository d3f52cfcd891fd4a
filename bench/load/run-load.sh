#!/usr/bin/env bash
# Load run: one signed request replayed with wrk against `turnstile serve` on loopback.
#   OPERATION=get-caller-identity (default) | describe-cluster      STORE=memory (default) | sqlite:PATH | postgresql://...
# A persistent STORE is emptied first (turnstile reset --yes). describe-cluster creates the cluster `load` first.
# Needs wrk (Debian package `wrk`), python3 with botocore and the aws CLI. Bounded: DURATION seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-4599}
KUBE_PORT=${KUBE_PORT:-0}   # the Kubernetes API front: a free port unless told (never the default 6443)
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-0}         # seconds of unmeasured load first (tiered JIT); the 2026-11-22 and first 2026-12-02 runs had none
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
STORE=${STORE:-memory}
OPERATION=${OPERATION:-get-caller-identity}
KEY=AKIAIOSFODNN7EXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
REGION=ap-northeast-2
turnstile=(dotnet src/Turnstile/bin/Release/net10.0/turnstile.dll)

dotnet build src/Turnstile -c Release -nologo -v quiet >/dev/null
if [ "$STORE" != memory ]; then "${turnstile[@]}" reset --store "$STORE" --yes >/dev/null; fi
log=$(mktemp)
"${turnstile[@]}" serve --store "$STORE" --port "$PORT" --kube-port "$KUBE_PORT" > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do grep -q "AWS endpoint" "$log" && break; sleep 0.2; done
grep "AWS endpoint" "$log"

if [ "$OPERATION" = describe-cluster ]; then
  AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_DEFAULT_REGION=$REGION \
    aws eks create-cluster --name load --role-arn arn:aws:iam::111122223333:role/eks --resources-vpc-config subnetIds=a,b >/dev/null
fi
script=$(mktemp --suffix .lua)
python3 bench/load/sign-request.py "http://127.0.0.1:$PORT" "$KEY" "$SECRET" "$REGION" "$OPERATION" > "$script"
if [ "$WARMUP" -gt 0 ]; then wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "http://127.0.0.1:$PORT/" >/dev/null; fi
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$script" "http://127.0.0.1:$PORT/"
