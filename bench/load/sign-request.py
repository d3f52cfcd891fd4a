#!/usr/bin/env python3
"""Writes a wrk Lua script that replays one SigV4-signed request: STS GetCallerIdentity or EKS DescribeCluster.

botocore (the aws CLI's library) signs the request exactly as `aws sts get-caller-identity` / `aws eks describe-cluster`
would; a header-signed request stays valid for 15 minutes, which is longer than a load run.
Usage: sign-request.py ENDPOINT ACCESS_KEY_ID SECRET_ACCESS_KEY REGION get-caller-identity|describe-cluster[:NAME] > request.lua
"""
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

endpoint, key, secret, region, operation = sys.argv[1:6]
if operation == "get-caller-identity":
    method, path, service, body = "POST", "/", "sts", "Action=GetCallerIdentity&Version=2011-06-15"
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
elif operation.startswith("describe-cluster"):
    name = operation.partition(":")[2] or "load"
    method, path, service, body = "GET", "/clusters/" + name, "eks", None
    headers = {}
else:
    sys.exit("unknown operation " + operation)
request = AWSRequest(method=method, url=endpoint + path, data=body, headers=headers)
SigV4Auth(Credentials(key, secret), service, region).add_auth(request)


def lua(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


print("wrk.method = %s" % lua(method))
print("wrk.path = %s" % lua(path))
if body is not None:
    print("wrk.body = " + lua(body))
for name, value in request.headers.items():
    if name.lower() in ("host", "content-length"):
        continue
    print("wrk.headers[%s] = %s" % (lua(name), lua(value)))
print("""
done = function(summary, latency, requests)
  io.write(string.format("requests=%d duration_s=%.2f rps=%.0f non2xx=%d connect_errors=%d read_errors=%d timeouts=%d p50_ms=%.2f p99_ms=%.2f\\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), summary.errors.status,
    summary.errors.connect, summary.errors.read, summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
""")
