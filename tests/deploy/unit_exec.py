#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""tests/deploy/unit_exec.py INSTANCE UNIT [DROP-IN...]: the command line
systemd would run for ExecStart= of the template UNIT as INSTANCE (escaped,
as in the unit's name) with the drop-ins applied in order, one argument per
line. It follows systemd.service(5) and systemd.exec(5) for what the units
use: Environment= accumulates and a later assignment of a variable wins; an
empty ExecStart= resets; %i is the instance, %I the instance unescaped, %%
a %; $VAR as a word of its own splits at white space into words, an unset
one into none, and ${VAR} is one word. No systemd manager is needed (the
tests' machine may run none), so drop-ins are checked by what they yield."""
import re
import shlex
import subprocess
import sys

instance = sys.argv[1]
unescaped = subprocess.run(["systemd-escape", "-u", instance], check=True,
                           capture_output=True, text=True).stdout.strip()


def spec(v):
    return re.sub(r"%[%iI]", lambda m: {"%%": "%", "%i": instance, "%I": unescaped}[m.group()], v)


env, execstart = {}, None
for path in sys.argv[2:]:
    section = None
    for line in open(path):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        if section != "[Service]" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if key == "Environment":
            if not value:
                env = {}
            for word in shlex.split(value):
                k, v = word.split("=", 1)
                env[k] = spec(v)
        elif key == "ExecStart":
            execstart = spec(value) if value else None
if execstart is None:
    sys.exit("no ExecStart=")
argv = []
for word in shlex.split(execstart):
    m = re.fullmatch(r"\$(\w+)", word)
    if m:
        argv += env.get(m.group(1), "").split()
    else:
        argv.append(re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), word))
print("\n".join(argv))
