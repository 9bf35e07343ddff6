#!/usr/bin/env python3
"""ci/arches.py - the arch table (ci/arches) for python, and ELF checks by it.

  arches.py elfcheck FILE ARCH   exit 0 if FILE is a static ELF executable of
                                 ARCH's class, machine and byte order; else
                                 print why and exit 1
  arches.py get ARCH FIELD       print one field of ARCH's row

As a module: rows() -> {arch: {field: value}}, series() -> {series: suite}.
"""
import os
import struct
import sys

FIELDS = ("name release debarch gnu musl muslsrc qemu qsys qpkg machine console "
          "flavour kimage elf order kernels").split()
TABLE = os.environ.get("XDPCOUNT_ARCHES_FILE",
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "arches"))


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
        out[r["name"]] = r
    return out


def series():
    return {p[1]: p[2] for p in _lines() if p[0] == "series"}


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


def main(argv):
    if len(argv) == 3 and argv[0] == "elfcheck":
        why = elfcheck(argv[1], argv[2])
        if why:
            print(why)
            return 1
        return 0
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
