#!/usr/bin/env bash
# Load run of the Kubernetes API front: `GET /api/v1/namespaces/default/pods` over HTTPS with keep-alive, each request
# carrying one of TOKENS valid EKS tokens in turn (made by the real `aws eks get-token`, one a second so that each is a
# different presigned URL), against `turnstile serve` on loopback; wrk shares the two cores with the server.
#   TOKENS=10 DURATION=20 WARMUP=5 CONNECTIONS=32 THREADS=2 PORT=4598 KUBE_PORT=6543 STORE=memory
# WATCHES=N (N > 0) then also opens N concurrent watches of the namespace's ConfigMaps through the same front, updates
# one ConfigMap and times its arrival on every watch (`Turnstile.Benchmarks kube-watch-load`; HTTP2=1 for HTTP/2).
# Needs wrk (Debian package `wrk`) and the aws CLI. Bounded: TOKENS + WARMUP + DURATION seconds plus the server's start.
set -euo pipefail
cd "$(dirname "$0")/../.."
PORT=${PORT:-4598}
KUBE_PORT=${KUBE_PORT:-6543}   # never the default 6443
TOKENS=${TOKENS:-10}
WATCHES=${WATCHES:-0}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
STORE=${STORE:-memory}
turnstile=(dotnet src/Turnstile/bin/Release/net10.0/turnstile.dll)
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_DEFAULT_REGION=ap-northeast-2 AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"

dotnet build src/Turnstile -c Release -nologo -v quiet >/dev/null
work=$(mktemp -d)
"${turnstile[@]}" serve --store "$STORE" --port "$PORT" --kube-port "$KUBE_PORT" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q "AWS endpoint" "$work/serve.log" && break; sleep 0.2; done
grep "AWS endpoint" "$work/serve.log"

aws eks create-cluster --name load --role-arn arn:aws:iam::111122223333:role/eks --resources-vpc-config subnetIds=a,b >/dev/null
endpoint=$(aws eks describe-cluster --name load --query cluster.endpoint --output text)
for _ in $(seq 1 100); do
  [ "$(aws eks describe-cluster --name load --query cluster.status --output text)" = ACTIVE ] && break; sleep 0.2
done
{
  echo 'local tokens = {'
  for i in $(seq 1 "$TOKENS"); do
    printf '  "%s",\n' "$(aws eks get-token --cluster-name load --query status.token --output text)"
    [ "$i" -lt "$TOKENS" ] && sleep 1
  done
  echo '}'
  echo "local prefix = \"$(sed -E 's#^https://[^/]+##' <<<"$endpoint")\""
  cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", prefix .. "/api/v1/namespaces/default/pods", {
    ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1],
    ["Accept"] = "application/json",
  })
end
LUA
} > "$work/request.lua"
status=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(aws eks get-token --cluster-name load --query status.token --output text)" \
  "$endpoint/api/v1/namespaces/default/pods")
echo "cluster endpoint $endpoint, $TOKENS tokens, one GET answers $status"
[ "$status" = 200 ]
if [ "$WARMUP" -gt 0 ]; then wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$work/request.lua" "$endpoint/" >/dev/null; fi
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/request.lua" "$endpoint/")
echo "$out"
! grep -q "Non-2xx" <<<"$out" # every answer must be a 200
if [ "$WATCHES" -gt 0 ]; then
  dotnet run --project bench/Turnstile.Benchmarks -c Release -- kube-watch-load "$endpoint" \
    "$(aws eks get-token --cluster-name load --query status.token --output text)" --watches "$WATCHES" ${HTTP2:+--http2}
fi
