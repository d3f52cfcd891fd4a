#!/usr/bin/env python3
"""Dev-time helper: writes the structure-only Kubernetes v1.32 schemas Turnstile.Kube embeds.

Reads the upstream OpenAPI v3 documents a kube-apiserver v1.32 serves (the files under
api/openapi-spec/v3/ of the kubernetes/kubernetes v1.32 tag, laid out as
<dir>/api/v1.json and <dir>/apis/<group>/<version>.json) and keeps only
components.schemas of the group-versions an EKS 1.32 cluster serves. Every "description"
and "example" is dropped; types, formats, properties, items, refs, required, enums,
defaults and the x-kubernetes-* extensions (group-version-kind, patch strategy and merge
key, list type and map keys, int-or-string, preserve-unknown-fields...) stay. A schema
name appears once: the same definition is shared by all group-versions that use it.

Usage: python3 tools/trim-kube-openapi.py <upstream-v3-dir> [output-file]
       (default output: src/Turnstile.Kube/OpenApi/Schemas/kubernetes-1.32.json)
"""
import json
import os
import sys

SERVED = [
    "api/v1", "apis/admissionregistration.k8s.io/v1", "apis/apiextensions.k8s.io/v1",
    "apis/apiregistration.k8s.io/v1", "apis/apps/v1", "apis/authentication.k8s.io/v1",
    "apis/authorization.k8s.io/v1", "apis/autoscaling/v1", "apis/autoscaling/v2", "apis/batch/v1",
    "apis/certificates.k8s.io/v1", "apis/coordination.k8s.io/v1", "apis/discovery.k8s.io/v1",
    "apis/events.k8s.io/v1", "apis/flowcontrol.apiserver.k8s.io/v1", "apis/networking.k8s.io/v1",
    "apis/node.k8s.io/v1", "apis/policy/v1", "apis/rbac.authorization.k8s.io/v1",
    "apis/scheduling.k8s.io/v1", "apis/storage.k8s.io/v1", "apis/storage.k8s.io/v1beta1",
]
DROPPED = {"description", "example", "externalDocs"}

NOTICE = ("Derived from the Kubernetes v1.32 OpenAPI v3 documents (api/openapi-spec/v3, Apache License 2.0, "
          "Copyright The Kubernetes Authors). Trimmed by tools/trim-kube-openapi.py: descriptions removed, "
          "only the schema structure kept.")


def trim(node, in_properties=False):
    if isinstance(node, dict):
        # inside "properties" the keys are field names, never schema keywords
        return {k: trim(v, k == "properties") for k, v in node.items()
                if in_properties or k not in DROPPED}
    if isinstance(node, list):
        return [trim(v) for v in node]
    return node


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    source = sys.argv[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        root, "src", "Turnstile.Kube", "OpenApi", "Schemas", "kubernetes-1.32.json")
    schemas = {}
    for gv in SERVED:
        with open(os.path.join(source, gv + ".json"), encoding="utf-8") as f:
            doc = json.load(f)
        for name, schema in doc["components"]["schemas"].items():
            trimmed = trim(schema)
            if name in schemas and schemas[name] != trimmed:
                sys.exit(f"{name} differs between group-versions")
            schemas[name] = trimmed
    with open(output, "w", encoding="utf-8") as f:
        json.dump({"notice": NOTICE, "schemas": dict(sorted(schemas.items()))}, f,
                  separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print(f"{len(schemas)} schemas -> {output}")


if __name__ == "__main__":
    main()
