#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""tests/deploy/k8s_validate.py MANIFEST: validates each document of a
Kubernetes manifest offline against the API schema as the Python client's
generated models carry it (python3-kubernetes): every field must exist in its
object's model (no typo is silently dropped, as the API server would prune
it), every value must have the model's type, and the required fields must be
there (the models' constructors check them). Prints one line per problem and
exits 1 if there is any. No cluster is needed."""
import re
import sys

import yaml
from kubernetes import client

KINDS = {("v1", "Namespace"): "V1Namespace", ("apps/v1", "DaemonSet"): "V1DaemonSet",
         ("v1", "Service"): "V1Service", ("v1", "ConfigMap"): "V1ConfigMap"}
PRIMITIVE = {"str": str, "int": int, "bool": bool, "float": (int, float)}
problems = []


def check(value, typ, path):
    if value is None:
        return
    m = re.fullmatch(r"list\[(.+)\]", typ)
    if m:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list ({typ})")
            return
        for i, v in enumerate(value):
            check(v, m.group(1), f"{path}[{i}]")
        return
    m = re.fullmatch(r"dict\((\w+), (.+)\)", typ)
    if m:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map ({typ})")
            return
        for k, v in value.items():
            check(v, m.group(2), f"{path}.{k}")
        return
    if typ == "object":
        return  # IntOrString, Quantity, free-form
    if typ in PRIMITIVE:
        if not isinstance(value, PRIMITIVE[typ]) or (typ == "int" and isinstance(value, bool)):
            problems.append(f"{path}: expected {typ}, got {type(value).__name__} {value!r}")
        return
    model = getattr(client, typ, None)
    if model is None:
        problems.append(f"{path}: unknown model {typ}")
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object ({typ})")
        return
    by_json = {j: a for a, j in model.attribute_map.items()}
    kwargs = {}
    for k, v in value.items():
        if k not in by_json:
            problems.append(f"{path}.{k}: no such field in {typ}")
            continue
        check(v, model.openapi_types[by_json[k]], f"{path}.{k}")
        kwargs[by_json[k]] = v
    try:  # the constructor raises on a missing required field
        model(**kwargs)
    except ValueError as e:
        problems.append(f"{path}: {e}")


def main():
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    for d in docs:
        key = (d.get("apiVersion"), d.get("kind"))
        if key not in KINDS:
            problems.append(f"{key}: not a kind this validator knows")
            continue
        check(d, KINDS[key], f"{key[1]}/{d.get('metadata', {}).get('name')}")
    for p in problems:
        print(p)
    print(f"{len(docs)} documents, {len(problems)} problems")
    return 1 if problems else 0


sys.exit(main())
