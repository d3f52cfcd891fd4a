#!/usr/bin/env python3
"""Dev-time helper: writes the trimmed service models Turnstile.Server embeds.

Reads the botocore models installed with the AWS CLI (iam 2010-05-08, sts 2011-06-15,
eks 2017-11-01) and keeps only what the protocol engine needs: metadata, operations
(http method/requestUri/responseCode, input/output/errors, auth) and shapes (type,
members and their serialization traits, constraints). Documentation strings are dropped.

Usage: python3 tools/trim-botocore-models.py [output-dir]
       (default output-dir: src/Turnstile.Server/Models next to this script's repo root)
"""
import json
import os
import sys

import botocore
import botocore.session

SERVICES = [("iam", "2010-05-08"), ("sts", "2011-06-15"), ("eks", "2017-11-01")]

NOTICE = (
    "Derived from the botocore service model {service}/{version}/service-2.json "
    "(botocore {botocore}, Apache License 2.0, Copyright Amazon.com, Inc. or its affiliates). "
    "Trimmed by tools/trim-botocore-models.py: documentation removed, only wire-relevant fields kept."
)

METADATA_KEYS = ["apiVersion", "endpointPrefix", "signingName", "protocol", "jsonVersion",
                 "serviceId", "targetPrefix", "xmlNamespace", "globalEndpoint"]
HTTP_KEYS = ["method", "requestUri", "responseCode"]
SHAPE_KEYS = ["type", "required", "min", "max", "pattern", "enum", "timestampFormat",
              "flattened", "sensitive", "payload", "error", "exception", "fault", "locationName",
              "xmlNamespace"]
MEMBER_KEYS = ["shape", "location", "locationName", "flattened", "xmlNamespace",
               "timestampFormat", "idempotencyToken", "jsonvalue", "hostLabel", "xmlAttribute",
               "queryName"]


def pick(source, keys):
    return {k: source[k] for k in keys if k in source}


def trim_ref(ref):
    return pick(ref, MEMBER_KEYS)


def trim_shape(shape):
    out = pick(shape, SHAPE_KEYS)
    if "members" in shape:
        out["members"] = {name: trim_ref(ref) for name, ref in shape["members"].items()}
    for key in ("member", "key", "value"):
        if key in shape:
            out[key] = trim_ref(shape[key])
    return out


def trim_operation(op):
    out = {"name": op["name"], "http": pick(op["http"], HTTP_KEYS)}
    if "input" in op:
        out["input"] = pick(op["input"], ["shape"])
    if "output" in op:
        out["output"] = pick(op["output"], ["shape", "resultWrapper"])
    if op.get("errors"):
        out["errors"] = [e["shape"] for e in op["errors"]]
    if "auth" in op:
        out["auth"] = list(op["auth"])
    if "authtype" in op:
        out["authtype"] = op["authtype"]
    return out


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "src", "Turnstile.Server", "Models")
    loader = botocore.session.get_session().get_component("data_loader")
    for service, version in SERVICES:
        model = loader.load_service_model(service, "service-2", version)
        trimmed = {
            "_notice": NOTICE.format(service=service, version=version, botocore=botocore.__version__),
            "metadata": pick(model["metadata"], METADATA_KEYS),
            "operations": {name: trim_operation(op) for name, op in model["operations"].items()},
            "shapes": {name: trim_shape(shape) for name, shape in model["shapes"].items()},
        }
        path = os.path.join(out_dir, service + ".json")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            json.dump(trimmed, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"{path}: {len(trimmed['operations'])} operations, {len(trimmed['shapes'])} shapes")


if __name__ == "__main__":
    main()
