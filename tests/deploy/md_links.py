#!/usr/bin/env python3
"""md_links.py ROOT PAGE... - the links of markdown pages that go nowhere.

Each PAGE (a path relative to ROOT) is read for its [text](target) links;
a link with a scheme (https:, mailto:) is not followed. The others must
name a file under ROOT (relative to the page's directory; none: the page
itself) and, for a #fragment into a .md page, one of that page's headings
(GitHub's anchors: lower case, punctuation dropped, blanks to '-'). Prints
one line "PAGE: TARGET: why" per link that does not, nothing when every
link resolves; exits 1 if it printed anything.

Used on the source tree (tests/deploy/run.sh) and on an unpacked release
tarball (dist/test-reproducible.sh), whose pages must link to files it holds.
"""
import os
import re
import sys


def anchors(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    out = set()
    for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.M):
        out.add(re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-"))
    return out


def dead_links(root, pages):
    root = os.path.abspath(root)
    for page in pages:
        full = os.path.join(root, page)
        base = os.path.dirname(full)
        for target in re.findall(r"\]\(([^)\s]+)\)", open(full, encoding="utf-8").read()):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, frag = target.partition("#")
            to = os.path.normpath(os.path.join(base, path)) if path else full
            if not to.startswith(root + os.sep):
                yield "%s: %s: outside %s" % (page, target, root)
            elif not os.path.exists(to):
                yield "%s: %s: no %s" % (page, target, os.path.relpath(to, root))
            elif frag and to.endswith(".md") and frag not in anchors(to):
                yield "%s: %s: no heading #%s in %s" % (page, target, frag, os.path.relpath(to, root))


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    bad = list(dead_links(argv[0], argv[1:]))
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
