#!/usr/bin/env python3
"""ci/arches.py - the arch table (ci/arches) for python, and ELF checks by it.

  arches.py elfcheck FILE ARCH   exit 0 if FILE is a static ELF executable of
                                 ARCH's class, machine and byte order; else
                                 print why and exit 1
  arches.py get ARCH FIELD       print one field of ARCH's row
  arches.py check                check every row against dpkg-architecture (GNU
                                 triplet, bits, byte order) and itself (release
                                 class, muslsrc, kimage, series, OCI platform
                                 format, uname names; the RPM arch against rpm's platforms
                                 when rpm is installed) and README.md's two
                                 prose lists of the arches (they name the
                                 table's; the quick start's says an arch's
                                 other uname -m names); one line per
                                 assertion, then "N passed, N failed"
  (XDPCOUNT_ARCHES_FILE and XDPCOUNT_README name another table or README.)

As a module: rows() -> {arch: {field: value}} (and "unames": the uname
column's machine names, a list), series() -> {series: suite}.
"""
import os
import re
import struct
import sys

FIELDS = ("name release debarch oci rpm uname gnu musl muslsrc qemu qsys qpkg machine console "
          "flavour kimage elf order kernels").split()
TABLE = os.environ.get("XDPCOUNT_ARCHES_FILE",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "arches"))
README = os.environ.get("XDPCOUNT_README",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md"))


def _lines():
    with open(TABLE, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield [x.strip() for x in line.rstrip("\n").split("|")]


def rows():
    """The arch rows, in table order: {arch: {field: value ('' for '-')}}."""
    out = {}
    for p in _lines():
        if p[0] == "series":
            continue
        if len(p) != len(FIELDS):
            raise ValueError("%s: row '%s' has %d fields, not %d" % (TABLE, p[0], len(p), len(FIELDS)))
        r = {k: ("" if v == "-" else v) for k, v in zip(FIELDS, p)}
        cls, mach = r["elf"].split("/")
        r["elf_class"], r["elf_machine"] = int(cls), int(mach)
        r["kernel_series"] = r["kernels"].split()
        r["unames"] = r["uname"].split()
        out[r["name"]] = r
    return out


def series():
    return {p[1]: p[2] for p in _lines() if p[0] == "series"}


def series_rows():
    """The series rows as written: [[series, suite, kind], ...]."""
    return [p[1:] for p in _lines() if p[0] == "series"]


def readme_lists(path=None):
    """The README's two prose lists of the release arches, as written:
    [(where, [(arch, its parenthesis or '')...]), ...]; a list not found is
    None. The fleet list of the opening paragraph ("in a mixed fleet (A, B,
    big-endian C, ...; kernels") and the quick start's "The arch names are
    `uname -m`'s: A, B (...), C." (up to its full stop)."""
    with open(path or README, encoding="utf-8") as f:
        text = f.read()
    out = []
    for where, pat in (("the opening paragraph's fleet", r"in a mixed fleet\s*\(([^;)]*);"),
                       ("the quick start's arch names", r"The arch names are\s+`uname -m`'s:\s*(.*?)\.(?:\s|$)")):
        m = re.search(pat, text, re.S)
        if m is None:
            out.append((where, None))
            continue
        items, depth, cur = [], 0, ""
        for ch in " ".join(m.group(1).split()) + ",":
            depth += (ch == "(") - (ch == ")")
            if ch == "," and depth == 0:
                items.append(cur.strip())
                cur = ""
            else:
                cur += ch
        got = []
        for it in items:
            name, _, paren = it.partition("(")
            got.append((name.split()[-1] if name.split() else "", paren.rstrip(")")))
        out.append((where, got))
    return out


def elfcheck(path, arch):
    """None if path is a static ELF executable for arch, else the reason."""
    want = rows().get(arch)
    if want is None:
        return "unknown arch %s (not in ci/arches)" % arch
    try:
        with open(path, "rb") as f:
            d = f.read(1 << 20)
    except OSError as e:
        return "cannot read: %s" % e.strerror
    if d[:4] != b"\x7fELF" or d[4] not in (1, 2) or d[5] not in (1, 2):
        return "not an ELF file"
    cls = 32 if d[4] == 1 else 64
    end = "<" if d[5] == 1 else ">"
    order = "little" if d[5] == 1 else "big"
    mach = struct.unpack_from(end + "H", d, 18)[0]
    if (cls, mach, order) != (want["elf_class"], want["elf_machine"], want["order"]):
        return "ELF%d e_machine %d %s-endian, not %s (ELF%d e_machine %d %s-endian)" % (
            cls, mach, order, arch, want["elf_class"], want["elf_machine"], want["order"])
    if cls == 64:
        phoff = struct.unpack_from(end + "Q", d, 0x20)[0]
        phentsize, phnum = struct.unpack_from(end + "HH", d, 0x36)
    else:
        phoff = struct.unpack_from(end + "I", d, 0x1c)[0]
        phentsize, phnum = struct.unpack_from(end + "HH", d, 0x2a)
    for i in range(phnum):
        if struct.unpack_from(end + "I", d, phoff + i * phentsize)[0] == 3:  # PT_INTERP
            return "dynamically linked (has PT_INTERP); the initramfs has no libc"
    return None


def check_table():
    """Consistency of ci/arches, so that a new row is right before it is used."""
    import subprocess
    res = {"ok": 0, "fail": 0, "skip": []}

    def check(ok, what):
        res["ok" if ok else "fail"] += 1
        print("  %-5s %s" % ("ok" if ok else "FAIL", what))

    def skip(what, why):
        res["skip"].append("%s: %s" % (what, why))
        print("  skip  %s (%s)" % (what, why))
    # the platforms rpmbuild --target knows (Debian's rpm-common), if installed
    rpm_platforms = "/usr/lib/rpm/platform"
    try:
        rs, ser = rows(), series()
    except (OSError, ValueError) as e:
        check(False, "ci/arches parses: %s" % e)
        rs, ser = {}, {}
    check(len(rs) > 0 and len(ser) > 0, "ci/arches has arch rows (%d) and series rows (%d)" % (len(rs), len(ser)))
    for p in series_rows() if ser else []:
        check(len(p) == 3 and p[2] in ("stable", "unstable") and
              re.match(r"^[0-9]+\.([0-9]+|x)$", p[0]) is not None,
              "series %s: 'SERIES|SUITE|stable or unstable', SERIES N.M or N.x (%s)" % (p[0], "|".join(p)))
    for a, r in rs.items():
        q = {}
        for var in ("DEB_HOST_GNU_TYPE", "DEB_HOST_ARCH_BITS", "DEB_HOST_ARCH_ENDIAN"):
            p = subprocess.run(["dpkg-architecture", "-a", r["debarch"], "-f", "-q", var],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            q[var] = p.stdout.strip() if p.returncode == 0 else None
        check(q["DEB_HOST_GNU_TYPE"] == r["gnu"], "%s: gnu %s is dpkg-architecture's for %s (%s)" % (
            a, r["gnu"], r["debarch"], q["DEB_HOST_GNU_TYPE"]))
        check(q["DEB_HOST_ARCH_BITS"] == str(r["elf_class"]) and q["DEB_HOST_ARCH_ENDIAN"] == r["order"],
              "%s: ELF%d %s-endian as dpkg-architecture says (%s-bit %s)" % (
                  a, r["elf_class"], r["order"], q["DEB_HOST_ARCH_BITS"], q["DEB_HOST_ARCH_ENDIAN"]))
        check(r["release"] in ("required", "wanted"), "%s: release class '%s'" % (a, r["release"]))
        check(r["muslsrc"] == "system" or (r["muslsrc"].startswith("sysroot:") and r["muslsrc"][8:]),
              "%s: muslsrc '%s' is system or sysroot:SUITE,..." % (a, r["muslsrc"]))
        check(r["kimage"] in ("pvh", "image", "asis"), "%s: kimage '%s' is pvh, image or asis" % (a, r["kimage"]))
        check(all(s in ser for s in r["kernel_series"]),
              "%s: every kernel series (%s) has a series row" % (a, r["kernels"]))
        check(r["musl"].split("-")[0] == r["gnu"].split("-")[0],
              "%s: musl triplet %s is for the same CPU as %s" % (a, r["musl"], r["gnu"]))
        check(re.match(r"^linux/[a-z0-9]+(/v[0-9]+)?$", r["oci"]) is not None,
              "%s: oci '%s' is an OCI platform linux/ARCH[/vN]" % (a, r["oci"]))
        every = [u for x in rs.values() for u in x["unames"]]
        check(len(r["unames"]) > 0 and all(re.match(r"^[a-z0-9_]+$", u) and every.count(u) == 1
                                           for u in r["unames"]),
              "%s: uname '%s' is machine names (uname -m), space-separated, each once "
              "and in no other row" % (a, r["uname"]))
        if a == os.uname().machine:
            check(a in r["unames"], "%s: uname '%s' has this machine's uname -m (%s)" % (a, r["uname"], a))
        what = "%s: rpm '%s' is a platform of rpmbuild --target" % (a, r["rpm"])
        if os.path.isdir(rpm_platforms):
            check(r["rpm"] != "" and os.path.isdir(os.path.join(rpm_platforms, r["rpm"] + "-linux")),
                  "%s (%s/%s-linux)" % (what, rpm_platforms, r["rpm"]))
        else:
            skip(what, "no %s: rpm is not installed" % rpm_platforms)
    # README.md's prose lists of the arches are written by hand: they must
    # name the table's arches, and the quick start's must say, for an arch
    # whose uname -m is another name, each name uname -m says there
    try:
        lists = readme_lists() if rs else []
    except OSError as e:
        check(False, "README.md's arch lists: cannot read %s: %s" % (README, e.strerror))
        lists = []
    for where, got in lists:
        names = [n for n, _ in got] if got is not None else None
        check(names is not None and sorted(names) == sorted(rs),
              "README.md: %s list names exactly ci/arches' arches (%s; README: %s)" % (
                  where, " ".join(rs), "not found" if names is None else " ".join(names)))
        if got is not None and where.startswith("the quick start"):
            for n, paren in got:
                other = [u for u in rs[n]["unames"] if u != n] if n in rs else []
                if other:
                    check(all("`%s`" % u in paren for u in other),
                          "README.md: %s list says %s's uname -m (%s; README: '%s')" % (
                              where, n, " ".join(other), paren))
    for s in res["skip"]:
        print("skipped: %s" % s)
    print("%d passed, %d failed%s" % (res["ok"], res["fail"],
                                      ", %d skipped" % len(res["skip"]) if res["skip"] else ""))
    return 1 if res["fail"] else 0


def main(argv):
    if len(argv) == 3 and argv[0] == "elfcheck":
        why = elfcheck(argv[1], argv[2])
        if why:
            print(why)
            return 1
        return 0
    if argv == ["check"]:
        return check_table()
    if len(argv) == 3 and argv[0] == "get":
        r = rows().get(argv[1])
        if r is None or argv[2] not in FIELDS:
            print("arches.py: no %s %s in %s" % (argv[1], argv[2], TABLE), file=sys.stderr)
            return 1
        print(r[argv[2]])
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
