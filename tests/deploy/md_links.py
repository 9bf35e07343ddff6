#!/usr/bin/env python3
"""md_links.py ROOT PAGE... - the links of markdown pages that go nowhere.
   md_links.py --tree ROOT - the same for every page under ROOT.

Each PAGE (a path relative to ROOT) is read for its [text](target) links
(a PAGE.md.gz, as a Debian package may ship one, through gzip: its links
are checked as written, so one to docs/x.md is dead if only docs/x.md.gz
is there);
a link with a scheme (https:, mailto:) is not followed. The others must
name a file under ROOT (relative to the page's directory; none: the page
itself) and, for a #fragment into a .md page, one of that page's headings
(GitHub's anchors: lower case, punctuation dropped, blanks to '-'). Prints
one line "PAGE: TARGET: why" per link that does not, nothing when every
link resolves; exits 1 if it printed anything.

--tree: the pages are every *.md and *.md.gz under ROOT but those under
ROOT/licenses (the linked libraries' own), and README.md (or README.md.gz)
must be one of them: what a package installs in its doc directory.

Used on the source tree (tests/deploy/run.sh), on an unpacked release
tarball (dist/test-reproducible.sh), whose pages must link to files it holds,
and on the doc directory of the .deb and .rpm (both suites).
"""
import gzip
import os
import re
import sys


def text_of(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return f.read()


def anchors(path):
    text = re.sub(r"```.*?```", "", text_of(path), flags=re.S)
    out = set()
    for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.M):
        out.add(re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-"))
    return out


def dead_links(root, pages):
    root = os.path.abspath(root)
    for page in pages:
        full = os.path.join(root, page)
        base = os.path.dirname(full)
        for target in re.findall(r"\]\(([^)\s]+)\)", text_of(full)):
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


def tree_pages(root):
    out = []
    for d, dirs, files in os.walk(root):
        if d == root and "licenses" in dirs:
            dirs.remove("licenses")
        out += [os.path.relpath(os.path.join(d, f), root) for f in files if f.endswith((".md", ".md.gz"))]
    return sorted(out)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if argv[0] == "--tree":
        pages = tree_pages(argv[1])
        bad = [] if {"README.md", "README.md.gz"} & set(pages) else ["%s: no README.md" % argv[1]]
        bad += dead_links(argv[1], pages)
    else:
        bad = list(dead_links(argv[0], argv[1:]))
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
