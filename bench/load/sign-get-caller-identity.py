#!/usr/bin/env python3
"""Writes a wrk Lua script that replays one SigV4-signed STS GetCallerIdentity request.

botocore (the aws CLI's library) signs the request exactly as `aws sts get-caller-identity` would; a header-signed
request stays valid for 15 minutes, which is longer than a load run.
Usage: sign-get-caller-identity.py ENDPOINT ACCESS_KEY_ID SECRET_ACCESS_KEY REGION > request.lua
"""
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

endpoint, key, secret, region = sys.argv[1:5]
body = "Action=GetCallerIdentity&Version=2011-06-15"
request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
SigV4Auth(Credentials(key, secret), "sts", region).add_auth(request)


def lua(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


print('wrk.method = "POST"')
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
