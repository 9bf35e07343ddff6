#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""tests/deploy/grafana_check.py DASHBOARD RULES_OUT: checks a Grafana
dashboard's structure (panels with unique ids, a grid position inside the
24-column grid, a known type, the datasource variable, targets with unique
refIds and an expression; every $variable an expression uses is defined) and
writes every PromQL expression it holds (panel targets, and the selectors of
the variables' label_values queries) as recording rules into RULES_OUT, for
`promtool check rules` to parse. Prints one line per problem, exits 1 if
there is any."""
import json
import re
import sys

KNOWN = {"timeseries", "stat", "table", "state-timeline", "gauge", "bargauge", "text"}
GRAFANA_VARS = {"__rate_interval", "__interval", "__range"}
problems = []
d = json.load(open(sys.argv[1]))
for key in ("title", "uid", "schemaVersion", "panels", "templating"):
    if key not in d:
        problems.append(f"no {key}")
variables = {v["name"]: v for v in d.get("templating", {}).get("list", [])}
if variables.get("datasource", {}).get("type") != "datasource":
    problems.append("no datasource variable")
exprs = []
ids = set()
for p in d.get("panels", []):
    where = f"panel {p.get('id')} ({p.get('title')})"
    if p.get("id") in ids:
        problems.append(f"{where}: id used twice")
    ids.add(p.get("id"))
    if p.get("type") not in KNOWN:
        problems.append(f"{where}: unknown type {p.get('type')}")
    g = p.get("gridPos", {})
    if not all(isinstance(g.get(k), int) for k in "hwxy") or g.get("x", 0) + g.get("w", 0) > 24:
        problems.append(f"{where}: gridPos {g}")
    if p.get("datasource", {}).get("uid") != "${datasource}":
        problems.append(f"{where}: not on the datasource variable")
    refs = [t.get("refId") for t in p.get("targets", [])]
    if not refs or len(set(refs)) != len(refs):
        problems.append(f"{where}: targets' refIds {refs}")
    for t in p.get("targets", []):
        if not t.get("expr"):
            problems.append(f"{where}: target {t.get('refId')} without expr")
        else:
            exprs.append((where, t["expr"]))
for name, v in variables.items():
    q = v.get("query")
    q = q.get("query") if isinstance(q, dict) else q
    m = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", q or "")
    if v.get("type") == "query":
        if not m:
            problems.append(f"variable {name}: not label_values(SELECTOR, LABEL): {q}")
        else:
            exprs.append((f"variable {name}", m.group(1)))
rules = []
for i, (where, e) in enumerate(exprs):
    for var in re.findall(r"\$\{?(\w+)\}?", e):
        if var not in variables and var not in GRAFANA_VARS:
            problems.append(f"{where}: ${var} is not defined")
    e = re.sub(r"\$__\w+", "5m", e)
    e = re.sub(r"\$\{?\w+\}?", ".*", e)
    rules.append({"record": f"dashboard:expr{i}", "expr": e})
with open(sys.argv[2], "w") as f:
    json.dump({"groups": [{"name": "dashboard", "rules": rules}]}, f, indent=1)
for p in problems:
    print(p)
print(f"{len(d.get('panels', []))} panels, {len(exprs)} expressions, {len(problems)} problems")
sys.exit(1 if problems else 0)
