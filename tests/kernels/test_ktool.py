#!/usr/bin/env python3
"""tests/kernels/test_ktool.py - ktool.py's extractor on both of Debian's
kernel packagings, built here as small .debs (dpkg-deb --build), without the
network or qemu: the linux-image package that carries everything (/boot,
up to 6.x), and the 7.x split into linux-image (empty, depends), linux-binary
(/usr/lib/modules/<release>/vmlinuz), linux-modules and linux-base
(/usr/lib/modules/<release>/config). Also the series order (7.x after 6.12), and the judge of the neighbour
scenarios (issue 21) on facts as guest/neighbour.sh prints them.
Ends with "N passed, N failed"."""
import json
import lzma
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ktool  # noqa: E402

RES = {"ok": 0, "fail": 0}


def check(ok, what):
    RES["ok" if ok else "fail"] += 1
    print("  %-5s %s" % ("ok" if ok else "FAIL", what))


def deb(tmp, name, files, depends=""):
    """Build NAME.deb holding FILES {path: bytes}."""
    root = os.path.join(tmp, name)
    os.makedirs(os.path.join(root, "DEBIAN"))
    with open(os.path.join(root, "DEBIAN", "control"), "w") as f:
        f.write("Package: %s\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: t <t@t>\n"
                "Description: test\n%s" % (name, "Depends: %s\n" % depends if depends else ""))
    for path, data in files.items():
        p = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
    out = os.path.join(tmp, name + ".deb")
    subprocess.run(["dpkg-deb", "-Zgzip", "--build", "--root-owner-group", root, out],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def extract(tmp, debs, out):
    p = subprocess.run([sys.executable, os.path.join(HERE, "ktool.py"), "extract", "--arch", "x86_64",
                        "--out", out, "--package", "linux-image-x", "--version", "1.0-1",
                        "--suite", "test"] + ["--deb=" + d for d in debs],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    man = {}
    if p.returncode == 0:
        for line in open(os.path.join(out, "manifest")):
            k, _, v = line.rstrip("\n").partition("=")
            man[k] = v
    return p, man


CONFIG = b"CONFIG_BPF_JIT=y\nCONFIG_BPF_JIT_DEFAULT_ON=y\n"
KERNEL = b"not a bzImage, booted as shipped"


def mod(deps=""):
    return b"\0license=GPL\0depends=" + deps.encode() + b"\0"


NEIGHBOUR_FACTS = """\
fact 9.9 base load1 0
fact 9.9 base load2 0
fact 9.9 base status veth0                  xdp_dispatcher    native   60   cec73f7ad6da90d3 
fact 9.9 base status  =>              50     xdp_drop_odd              46   b817fd8b2ae05da9  XDP_PASS
fact 9.9 base status  =>              50     xdp_pass_all              69   3b185187f1855c4c  XDP_PASS
fact 9.9 base t_sent 200
fact 9.9 base t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 base unload 0
fact 9.9 base after veth0                  <No XDP program loaded!>
fact 9.9 a xc_attached {"event":"attached","hook":"xdp","attach":"dispatcher","reason":"native; holds XDP through libxdp's dispatcher (version 3, as the installed libxdp 1.9.0; netlink)"}
fact 9.9 a load 0
fact 9.9 a status veth0                  xdp_dispatcher    native   80   3d5fd855b3c1a162 
fact 9.9 a status  =>              0      xdpcount_linear           74   e233012d183e0663  XDP_PASS
fact 9.9 a status  =>              50     xdp_drop_odd              90   b817fd8b2ae05da9  XDP_PASS
fact 9.9 a xstatus_rc 0
fact 9.9 a xstatus   slot 0  74  xdpcount_linear  freplace xdpcount pid 9
fact 9.9 a xstatus   slot 1  90  xdp_drop_odd  freplace another program
fact 9.9 a t_sent 200
fact 9.9 a t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 a xc_rc 0
fact 9.9 a xc_detached {"event":"detached","packets":200}
fact 9.9 a after veth0                  xdp_dispatcher    native   82   3d5fd855b3c1a162 
fact 9.9 a after  =>              50     xdp_drop_odd              90   b817fd8b2ae05da9  XDP_PASS
fact 9.9 a t2_sent 200
fact 9.9 a t2_rx frames 100 odd 0 even 100 lost 0
fact 9.9 b load 0
fact 9.9 b before veth0                  xdp_dispatcher    native   100   3d5fd855b3c1a162 
fact 9.9 b before  =>              50     xdp_drop_odd              110   b817fd8b2ae05da9  XDP_PASS
fact 9.9 b xc_attached {"event":"attached","hook":"xdp","attach":"dispatcher","reason":"joins libxdp dispatcher id 7 (version 2)"}
fact 9.9 b status veth0                  xdp_dispatcher    native   120   3d5fd855b3c1a162 
fact 9.9 b status  =>              0      xdpcount_linear           115   e233012d183e0663  XDP_PASS
fact 9.9 b status  =>              50     xdp_drop_odd              110   b817fd8b2ae05da9  XDP_PASS
fact 9.9 b t_sent 200
fact 9.9 b t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 b xc_rc 0
fact 9.9 b xc_detached {"event":"detached","packets":200}
fact 9.9 b after veth0                  xdp_dispatcher    native   122   3d5fd855b3c1a162 
fact 9.9 b after  =>              50     xdp_drop_odd              110   b817fd8b2ae05da9  XDP_PASS
fact 9.9 b t2_sent 200
fact 9.9 b t2_rx frames 100 odd 0 even 100 lost 0
fact 9.9 c1 xc_attached {"event":"attached","hook":"xdp","attach":"dispatcher","reason":"native; holds XDP through libxdp's dispatcher (version 3, as the installed libxdp 1.9.0; netlink)"}
fact 9.9 c1 load 0
fact 9.9 c1 xc_rc 137
fact 9.9 c1 killed veth0                  xdp_dispatcher    native   140   3d5fd855b3c1a162 
fact 9.9 c1 killed  =>              0      xdpcount_linear           135   e233012d183e0663  XDP_PASS
fact 9.9 c1 killed  =>              50     xdp_drop_odd              145   b817fd8b2ae05da9  XDP_PASS
fact 9.9 c1 detach 0
fact 9.9 c1 detach-out veth0: removed 1 xdpcount program
fact 9.9 c1 after veth0                  xdp_dispatcher    native   150   3d5fd855b3c1a162 
fact 9.9 c1 after  =>              50     xdp_drop_odd              145   b817fd8b2ae05da9  XDP_PASS
fact 9.9 c1 t_sent 200
fact 9.9 c1 t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 c2 load 0
fact 9.9 c2 xc_attached {"event":"attached","hook":"xdp","attach":"dispatcher","reason":"joins libxdp dispatcher id 7 (version 2)"}
fact 9.9 c2 xc_rc 137
fact 9.9 c2 killed veth0                  xdp_dispatcher    native   170   3d5fd855b3c1a162 
fact 9.9 c2 killed  =>              0      xdpcount_linear           165   e233012d183e0663  XDP_PASS
fact 9.9 c2 killed  =>              50     xdp_drop_odd              160   b817fd8b2ae05da9  XDP_PASS
fact 9.9 c2 xc2_attached {"event":"attached","hook":"xdp","attach":"dispatcher","reason":"joins libxdp dispatcher id 7 (version 2)"}
fact 9.9 c2 status veth0                  xdp_dispatcher    native   180   3d5fd855b3c1a162 
fact 9.9 c2 status  =>              0      xdpcount_linear           175   e233012d183e0663  XDP_PASS
fact 9.9 c2 status  =>              50     xdp_drop_odd              160   b817fd8b2ae05da9  XDP_PASS
fact 9.9 c2 t_sent 200
fact 9.9 c2 t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 c2 xc2_rc 0
fact 9.9 c2 xc2_detached {"event":"detached","packets":200}
fact 9.9 c2 after veth0                  xdp_dispatcher    native   182   3d5fd855b3c1a162 
fact 9.9 c2 after  =>              50     xdp_drop_odd              160   b817fd8b2ae05da9  XDP_PASS
fact 9.9 d9 load 0
fact 9.9 d9 before  libxdp: Dispatcher version check failed for ID 175
fact 9.9 d9 xc_attached {"event":"attached","hook":"tc","attach":"tcx","reason":"behind dispatcher id 175 of unknown version (native mode)"}
fact 9.9 d9 t_sent 200
fact 9.9 d9 t_rx frames 200 odd 100 even 100 lost 0
fact 9.9 d9 xc_rc 0
fact 9.9 d9 xc_detached {"event":"detached","packets":200}
fact 9.9 d9 after  libxdp: Dispatcher version check failed for ID 175
fact 9.9 dp load 0
fact 9.9 dp before veth0                  xdp_drop_odd      native   191  b817fd8b2ae05da9 
fact 9.9 dp xc_attached {"event":"attached","hook":"tc","attach":"tcx","reason":"behind XDP program id 191 \\"xdp_drop_odd\\" (native mode)"}
fact 9.9 dp t_sent 200
fact 9.9 dp t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 dp xc_rc 0
fact 9.9 dp xc_detached {"event":"detached","packets":100}
fact 9.9 dp after veth0                  xdp_drop_odd      native   191  b817fd8b2ae05da9 
fact 9.9 f xc_attached {"event":"attached","hook":"xdp","attach":"dispatcher","reason":"holds XDP (version 3, as the installed libxdp 1.9.0; netlink)"}
fact 9.9 f load 0
fact 9.9 f status veth0                  xdp_dispatcher    native   300   3d5fd855b3c1a162 
fact 9.9 f status  =>              0      xdpcount_linear           290   e233012d183e0663  XDP_PASS
fact 9.9 f status  =>              10     xdpfilt_alw_all           295   b817fd8b2ae05da9  XDP_PASS
fact 9.9 f t_sent 200
fact 9.9 f t_rx frames 200 odd 100 even 100 lost 0
fact 9.9 f xc_rc 0
fact 9.9 f xc_detached {"event":"detached","packets":200}
fact 9.9 f after veth0                  xdp_dispatcher    native   310   3d5fd855b3c1a162 
fact 9.9 f after  =>              10     xdpfilt_alw_all           295   b817fd8b2ae05da9  XDP_PASS
fact 9.9 f unload 0
fact 9.9 f gone veth0                  <No XDP program loaded!>
fact 9.9 - done 1
"""


# (s1) and (s2), xdpcount --attach shared, as a guest that can host a
# dispatcher printed them (x86_64 6.12, xdp-loader 1.3.1; xdp-loader's
# decoration left out).
SHARED_FACTS = """\
fact 9.9 s1 xc_plan {"event":"plan","hostname":"(none)","iface":"veth0","ifindex":8,"hook":"xdp","mode":"native","fallback_generic":true,"attach":"dispatcher","variant":"linear","reason":"native: driver veth reports native XDP (xdp-features); --attach shared: holds XDP through libxdp's dispatcher (version 2, as the installed libxdp 1.3.0; netlink): libxdp 1.3-1.5 users join it; a kill -9 leaves our slot to the next run or detach","variant_reason":"linear: MTU 1500 fits one page, so data_end - data is the frame's length (no helper call)","direction":"in","libxdp_after_us":"yes","libxdp_reason":"yes: xdpcount holds XDP through libxdp's dispatcher (version 2, as the installed libxdp 1.3.0), and libxdp users of that version (libxdp 1.3-1.5) add their programs beside ours"}
fact 9.9 s1 xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":8,"hook":"xdp","mode":"native","attach":"dispatcher","direction":"in","program_id":175,"reason":"native: driver veth reports native XDP (xdp-features); --attach shared: holds XDP through libxdp's dispatcher (version 2, as the installed libxdp 1.3.0; netlink): libxdp 1.3-1.5 users join it; a kill -9 leaves our slot to the next run or detach"}
fact 9.9 s1 load 0
fact 9.9 s1 status_rc 0
fact 9.9 s1 status 
fact 9.9 s1 status --------------------------------------------------------------------------------------
fact 9.9 s1 status veth0                  xdp_dispatcher    native   187  90f686eb86991928 
fact 9.9 s1 status  =>              0      xdpcount_linear           175  e233012d183e0663  XDP_PASS
fact 9.9 s1 status  =>              50     xdp_drop_odd              196  b817fd8b2ae05da9  XDP_PASS
fact 9.9 s1 status 
fact 9.9 s1 t_sent 200
fact 9.9 s1 t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 s1 xc_rc 0
fact 9.9 s1 xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":200,"bytes":12800}
fact 9.9 s1 after_rc 0
fact 9.9 s1 after 
fact 9.9 s1 after --------------------------------------------------------------------------------------
fact 9.9 s1 after veth0                  xdp_dispatcher    native   198  3d5fd855b3c1a162 
fact 9.9 s1 after  =>              50     xdp_drop_odd              196  b817fd8b2ae05da9  XDP_PASS
fact 9.9 s1 after 
fact 9.9 s1 t2_sent 200
fact 9.9 s1 t2_rx frames 100 odd 0 even 100 lost 0
fact 9.9 s2 load 0
fact 9.9 s2 before_rc 0
fact 9.9 s2 before 
fact 9.9 s2 before --------------------------------------------------------------------------------------
fact 9.9 s2 before veth0                  xdp_dispatcher    native   208  90f686eb86991928 
fact 9.9 s2 before  =>              50     xdp_drop_odd              217  b817fd8b2ae05da9  XDP_PASS
fact 9.9 s2 before 
fact 9.9 s2 xc_plan {"event":"plan","hostname":"(none)","iface":"veth0","ifindex":10,"hook":"xdp","mode":"native","fallback_generic":false,"attach":"dispatcher","variant":"linear","reason":"joins libxdp dispatcher id 208 (version 2, 1 programs, native mode) in its front slot (priority 0, chaining on XDP_PASS): counts every frame before the others decide, and they run as before","variant_reason":"linear: an extension in a dispatcher slot (freplace), data_end - data","direction":"in","libxdp_after_us":"yes","libxdp_reason":"yes: xdpcount joins libxdp's dispatcher (version 2), and libxdp users go on adding their programs to it"}
fact 9.9 s2 xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":10,"hook":"xdp","mode":"native","attach":"dispatcher","direction":"in","program_id":230,"reason":"joins libxdp dispatcher id 208 (version 2, 1 programs, native mode) in its front slot (priority 0, chaining on XDP_PASS): counts every frame before the others decide, and they run as before"}
fact 9.9 s2 status_rc 0
fact 9.9 s2 status 
fact 9.9 s2 status --------------------------------------------------------------------------------------
fact 9.9 s2 status veth0                  xdp_dispatcher    native   232  3d5fd855b3c1a162 
fact 9.9 s2 status  =>              0      xdpcount_linear           230  e233012d183e0663  XDP_PASS
fact 9.9 s2 status  =>              50     xdp_drop_odd              217  b817fd8b2ae05da9  XDP_PASS
fact 9.9 s2 status 
fact 9.9 s2 t_sent 200
fact 9.9 s2 t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 s2 xc_rc 0
fact 9.9 s2 xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":200,"bytes":12800}
fact 9.9 s2 after_rc 0
fact 9.9 s2 after 
fact 9.9 s2 after --------------------------------------------------------------------------------------
fact 9.9 s2 after veth0                  xdp_dispatcher    native   234  3d5fd855b3c1a162 
fact 9.9 s2 after  =>              50     xdp_drop_odd              217  b817fd8b2ae05da9  XDP_PASS
fact 9.9 s2 after 
fact 9.9 s2 t2_sent 200
fact 9.9 s2 t2_rx frames 100 odd 0 even 100 lost 0
"""
NEIGHBOUR_FACTS = NEIGHBOUR_FACTS.replace("fact 9.9 - done 1\n", SHARED_FACTS + "fact 9.9 - done 1\n")


# A kernel that cannot host a dispatcher (aarch64 5.10: no BPF trampoline),
# xdp-loader 1.3.1's scenarios as that guest printed them (their plan events
# added): nobody shares the hook there.
BLOCKED_WHY = "this kernel cannot attach program extensions on aarch64 (ENOTSUPP: no BPF trampoline)"
BLOCKED_FACTS = """\
fact 9.9 - info Usage: xdp-loader COMMAND [options]
fact 9.9 - first_args
fact 9.9 - libxdp /usr/lib/aarch64-linux-gnu/libxdp.so.1.3.0
fact 9.9 base load1 0
fact 9.9 base load2 240
fact 9.9 base load2-out  libxdp: Existing program is not using a dispatcher, can't replace; unload first
fact 9.9 base load2-out Couldn't attach XDP program on iface 'veth0': Device or resource busy(-16)
fact 9.9 base status_rc 0
fact 9.9 base status CURRENT XDP PROGRAM STATUS:
fact 9.9 base status
fact 9.9 base status Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 base status --------------------------------------------------------------------------------------
fact 9.9 base status veth0                  xdp_drop_odd      native   51   b817fd8b2ae05da9
fact 9.9 base status
fact 9.9 base t_sent 200
fact 9.9 base t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 base unload 0
fact 9.9 base after_rc 0
fact 9.9 base after CURRENT XDP PROGRAM STATUS:
fact 9.9 base after
fact 9.9 base after Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 base after --------------------------------------------------------------------------------------
fact 9.9 base after veth0                  <No XDP program loaded!>
fact 9.9 base after
fact 9.9 a xc_plan {"event":"plan","iface":"veth0","hook":"xdp","attach":"link","libxdp_after_us":"blocked","libxdp_reason":"no: our program holds XDP alone (libxdp replaces only its own dispatcher): this kernel cannot attach program extensions on aarch64 (ENOTSUPP: no BPF trampoline); --mode tc leaves XDP free"}
fact 9.9 a xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":4,"hook":"xdp","mode":"native","attach":"link","direction":"in","program_id":62,"reason":"driver veth: will try native, fall back to generic if refused; bpf_link (5.9+): detached automatically if xdpcount dies"}
fact 9.9 a load 240
fact 9.9 a load-out  libxdp: Existing program is not using a dispatcher, can't replace; unload first
fact 9.9 a load-out Couldn't attach XDP program on iface 'veth0': Device or resource busy(-16)
fact 9.9 a status_rc 0
fact 9.9 a status CURRENT XDP PROGRAM STATUS:
fact 9.9 a status
fact 9.9 a status Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 a status --------------------------------------------------------------------------------------
fact 9.9 a status veth0                  xdpcount_linear   native   62   e233012d183e0663
fact 9.9 a status
fact 9.9 a xstatus_rc 0
fact 9.9 a xstatus interface       mode          id  name             attach   owner
fact 9.9 a xstatus veth0           native        62  xdpcount_linear  link     xdpcount, pid 129,
fact 9.9 a xstatus                                    since 2026-12-03T15:25:25Z
fact 9.9 a t_sent 200
fact 9.9 a t_rx frames 200 odd 100 even 100 lost 0
fact 9.9 a xc_rc 0
fact 9.9 a xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":200,"bytes":12800}
fact 9.9 a after_rc 0
fact 9.9 a after CURRENT XDP PROGRAM STATUS:
fact 9.9 a after
fact 9.9 a after Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 a after --------------------------------------------------------------------------------------
fact 9.9 a after veth0                  <No XDP program loaded!>
fact 9.9 a after
fact 9.9 a t2_sent 200
fact 9.9 a t2_rx frames 200 odd 100 even 100 lost 0
fact 9.9 b load 0
fact 9.9 b before_rc 0
fact 9.9 b before CURRENT XDP PROGRAM STATUS:
fact 9.9 b before
fact 9.9 b before Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 b before --------------------------------------------------------------------------------------
fact 9.9 b before veth0                  xdp_drop_odd      native   85   b817fd8b2ae05da9
fact 9.9 b before
fact 9.9 b xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":6,"hook":"tc","mode":"tc","attach":"clsact","direction":"in","program_id":90,"reason":"behind XDP program id 85 \\"xdp_drop_odd\\" (native mode), which stays: counts only what it passes; clsact qdisc with a cls_bpf filter: no tcx (6.6+); creates a clsact qdisc and removes it on exit"}
fact 9.9 b status_rc 0
fact 9.9 b status CURRENT XDP PROGRAM STATUS:
fact 9.9 b status
fact 9.9 b status Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 b status --------------------------------------------------------------------------------------
fact 9.9 b status veth0                  xdp_drop_odd      native   85   b817fd8b2ae05da9
fact 9.9 b status
fact 9.9 b t_sent 200
fact 9.9 b t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 b xc_rc 0
fact 9.9 b xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":100,"bytes":6400}
fact 9.9 b after_rc 0
fact 9.9 b after CURRENT XDP PROGRAM STATUS:
fact 9.9 b after
fact 9.9 b after Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 b after --------------------------------------------------------------------------------------
fact 9.9 b after veth0                  xdp_drop_odd      native   85   b817fd8b2ae05da9
fact 9.9 b after
fact 9.9 b t2_sent 200
fact 9.9 b t2_rx frames 100 odd 0 even 100 lost 0
fact 9.9 c1 xc_plan {"event":"plan","iface":"veth0","hook":"xdp","attach":"link","libxdp_after_us":"blocked","libxdp_reason":"no: our program holds XDP alone (libxdp replaces only its own dispatcher): this kernel cannot attach program extensions on aarch64 (ENOTSUPP: no BPF trampoline); --mode tc leaves XDP free"}
fact 9.9 c1 xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":8,"hook":"xdp","mode":"native","attach":"link","direction":"in","program_id":95,"reason":"driver veth: will try native, fall back to generic if refused; bpf_link (5.9+): detached automatically if xdpcount dies"}
fact 9.9 c1 load 240
fact 9.9 c1 load-out  libxdp: Existing program is not using a dispatcher, can't replace; unload first
fact 9.9 c1 load-out Couldn't attach XDP program on iface 'veth0': Device or resource busy(-16)
fact 9.9 c1 xc_rc 137
fact 9.9 c1 xc_detached
fact 9.9 c1 killed_rc 0
fact 9.9 c1 killed CURRENT XDP PROGRAM STATUS:
fact 9.9 c1 killed
fact 9.9 c1 killed Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 c1 killed --------------------------------------------------------------------------------------
fact 9.9 c1 killed veth0                  <No XDP program loaded!>
fact 9.9 c1 killed
fact 9.9 c1 xkilled_rc 0
fact 9.9 c1 xkilled interface       mode          id  name             attach   owner
fact 9.9 c1 xkilled veth0           -
fact 9.9 c1 detach 0
fact 9.9 c1 detach-out veth0: removed 0 xdpcount programs
fact 9.9 c1 after_rc 0
fact 9.9 c1 after CURRENT XDP PROGRAM STATUS:
fact 9.9 c1 after
fact 9.9 c1 after Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 c1 after --------------------------------------------------------------------------------------
fact 9.9 c1 after veth0                  <No XDP program loaded!>
fact 9.9 c1 after
fact 9.9 c1 t_sent 200
fact 9.9 c1 t_rx frames 200 odd 100 even 100 lost 0
fact 9.9 c2 load 0
fact 9.9 c2 xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":10,"hook":"tc","mode":"tc","attach":"clsact","direction":"in","program_id":123,"reason":"behind XDP program id 118 \\"xdp_drop_odd\\" (native mode), which stays: counts only what it passes; clsact qdisc with a cls_bpf filter: no tcx (6.6+); creates a clsact qdisc and removes it on exit"}
fact 9.9 c2 xc_rc 137
fact 9.9 c2 xc_detached
fact 9.9 c2 killed_rc 0
fact 9.9 c2 killed CURRENT XDP PROGRAM STATUS:
fact 9.9 c2 killed
fact 9.9 c2 killed Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 c2 killed --------------------------------------------------------------------------------------
fact 9.9 c2 killed veth0                  xdp_drop_odd      native   118  b817fd8b2ae05da9
fact 9.9 c2 killed
fact 9.9 c2 xc2_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":10,"hook":"tc","mode":"tc","attach":"clsact","direction":"in","program_id":128,"reason":"behind XDP program id 118 \\"xdp_drop_odd\\" (native mode), which stays: counts only what it passes; clsact qdisc with a cls_bpf filter: no tcx (6.6+); the clsact qdisc there is kept on exit; replaces our stale tc filter (program id 123)"}
fact 9.9 c2 status_rc 0
fact 9.9 c2 status CURRENT XDP PROGRAM STATUS:
fact 9.9 c2 status
fact 9.9 c2 status Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 c2 status --------------------------------------------------------------------------------------
fact 9.9 c2 status veth0                  xdp_drop_odd      native   118  b817fd8b2ae05da9
fact 9.9 c2 status
fact 9.9 c2 t_sent 200
fact 9.9 c2 t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 c2 xc2_rc 0
fact 9.9 c2 xc2_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":100,"bytes":6400}
fact 9.9 c2 after_rc 0
fact 9.9 c2 after CURRENT XDP PROGRAM STATUS:
fact 9.9 c2 after
fact 9.9 c2 after Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 c2 after --------------------------------------------------------------------------------------
fact 9.9 c2 after veth0                  xdp_drop_odd      native   118  b817fd8b2ae05da9
fact 9.9 c2 after
fact 9.9 d9 load 0
fact 9.9 d9 before_rc 161
fact 9.9 d9 before  libxdp: XDP dispatcher version 9 higher than supported 2
fact 9.9 d9 before  libxdp: Dispatcher version check failed for ID 133
fact 9.9 d9 before Error getting XDP status for interface veth0: Operation not supported
fact 9.9 d9 before CURRENT XDP PROGRAM STATUS:
fact 9.9 d9 before
fact 9.9 d9 before Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 d9 before --------------------------------------------------------------------------------------
fact 9.9 d9 xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":12,"hook":"tc","mode":"tc","attach":"clsact","direction":"in","program_id":139,"reason":"behind dispatcher id 133 of unknown version (native mode), which stays: counts only what it passes; clsact qdisc with a cls_bpf filter: no tcx (6.6+); creates a clsact qdisc and removes it on exit"}
fact 9.9 d9 t_sent 200
fact 9.9 d9 t_rx frames 200 odd 100 even 100 lost 0
fact 9.9 d9 xc_rc 0
fact 9.9 d9 xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":200,"bytes":12800}
fact 9.9 d9 after_rc 161
fact 9.9 d9 after  libxdp: XDP dispatcher version 9 higher than supported 2
fact 9.9 d9 after  libxdp: Dispatcher version check failed for ID 133
fact 9.9 d9 after Error getting XDP status for interface veth0: Operation not supported
fact 9.9 d9 after CURRENT XDP PROGRAM STATUS:
fact 9.9 d9 after
fact 9.9 d9 after Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 d9 after --------------------------------------------------------------------------------------
fact 9.9 dp load 0
fact 9.9 dp before_rc 0
fact 9.9 dp before CURRENT XDP PROGRAM STATUS:
fact 9.9 dp before
fact 9.9 dp before Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 dp before --------------------------------------------------------------------------------------
fact 9.9 dp before veth0                  xdp_drop_odd      native   143  b817fd8b2ae05da9
fact 9.9 dp before
fact 9.9 dp xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":14,"hook":"tc","mode":"tc","attach":"clsact","direction":"in","program_id":148,"reason":"behind XDP program id 143 \\"xdp_drop_odd\\" (native mode), which stays: counts only what it passes; clsact qdisc with a cls_bpf filter: no tcx (6.6+); creates a clsact qdisc and removes it on exit"}
fact 9.9 dp t_sent 200
fact 9.9 dp t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 dp xc_rc 0
fact 9.9 dp xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":100,"bytes":6400}
fact 9.9 dp after_rc 0
fact 9.9 dp after CURRENT XDP PROGRAM STATUS:
fact 9.9 dp after
fact 9.9 dp after Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 dp after --------------------------------------------------------------------------------------
fact 9.9 dp after veth0                  xdp_drop_odd      native   143  b817fd8b2ae05da9
fact 9.9 dp after
fact 9.9 f xc_plan {"event":"plan","iface":"veth0","hook":"xdp","attach":"link","libxdp_after_us":"blocked","libxdp_reason":"no: our program holds XDP alone (libxdp replaces only its own dispatcher): this kernel cannot attach program extensions on aarch64 (ENOTSUPP: no BPF trampoline); --mode tc leaves XDP free"}
fact 9.9 f xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":16,"hook":"xdp","mode":"native","attach":"link","direction":"in","program_id":153,"reason":"driver veth: will try native, fall back to generic if refused; bpf_link (5.9+): detached automatically if xdpcount dies"}
fact 9.9 f load 240
fact 9.9 f load-out  libxdp: Existing program is not using a dispatcher, can't replace; unload first
fact 9.9 f load-out Couldn't attach XDP program on iface 'veth0': Device or resource busy(-16)
fact 9.9 f status_rc 0
fact 9.9 f status CURRENT XDP PROGRAM STATUS:
fact 9.9 f status
fact 9.9 f status Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 f status --------------------------------------------------------------------------------------
fact 9.9 f status veth0                  xdpcount_linear   native   153  e233012d183e0663
fact 9.9 f status
fact 9.9 f t_sent 200
fact 9.9 f t_rx frames 200 odd 100 even 100 lost 0
fact 9.9 f xc_rc 0
fact 9.9 f xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":200,"bytes":12800}
fact 9.9 f after_rc 0
fact 9.9 f after CURRENT XDP PROGRAM STATUS:
fact 9.9 f after
fact 9.9 f after Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 f after --------------------------------------------------------------------------------------
fact 9.9 f after veth0                  <No XDP program loaded!>
fact 9.9 f after
fact 9.9 f unload 1
fact 9.9 f unload-out xdp-filter is not loaded on veth0
fact 9.9 f gone_rc 0
fact 9.9 f gone CURRENT XDP PROGRAM STATUS:
fact 9.9 f gone
fact 9.9 f gone Interface        Prio  Program name      Mode     ID   Tag               Chain actions
fact 9.9 f gone --------------------------------------------------------------------------------------
fact 9.9 f gone veth0                  <No XDP program loaded!>
fact 9.9 f gone
fact 9.9 - done 1
"""

# The same on aarch64 5.10 (no BPF trampoline): tc, XDP left free.
SHARED_BLOCKED_FACTS = """\
fact 9.9 s1 xc_plan {"event":"plan","hostname":"(none)","iface":"veth0","ifindex":8,"hook":"tc","mode":"tc","fallback_generic":false,"attach":"clsact","variant":"tc","reason":"--attach shared: counting at tc ingress so that XDP stays free for libxdp users: this kernel cannot attach program extensions on aarch64 (ENOTSUPP: no BPF trampoline); clsact qdisc with a cls_bpf filter: no tcx (6.6+); creates a clsact qdisc and remove…","variant_reason":"tc: counts at tc ingress (skb->len from the Ethernet header on, GRO segments as frames)","direction":"in","libxdp_after_us":"yes","libxdp_reason":"yes: xdpcount counts at tc ingress and leaves XDP free (--attach shared: where no dispatcher can hold XDP, never our program alone)"}
fact 9.9 s1 xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":8,"hook":"tc","mode":"tc","attach":"clsact","direction":"in","program_id":95,"reason":"--attach shared: counting at tc ingress so that XDP stays free for libxdp users: this kernel cannot attach program extensions on aarch64 (ENOTSUPP: no BPF trampoline); clsact qdisc with a cls_bpf filter: no tcx (6.6+); creates a clsact qdisc and remove…"}
fact 9.9 s1 load 0
fact 9.9 s1 status_rc 0
fact 9.9 s1 status 
fact 9.9 s1 status --------------------------------------------------------------------------------------
fact 9.9 s1 status veth0                  xdp_drop_odd      native   112  b817fd8b2ae05da9 
fact 9.9 s1 status 
fact 9.9 s1 t_sent 200
fact 9.9 s1 t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 s1 xc_rc 0
fact 9.9 s1 xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":100,"bytes":6400}
fact 9.9 s1 after_rc 0
fact 9.9 s1 after 
fact 9.9 s1 after --------------------------------------------------------------------------------------
fact 9.9 s1 after veth0                  xdp_drop_odd      native   112  b817fd8b2ae05da9 
fact 9.9 s1 after 
fact 9.9 s1 t2_sent 200
fact 9.9 s1 t2_rx frames 100 odd 0 even 100 lost 0
fact 9.9 s2 load 0
fact 9.9 s2 before_rc 0
fact 9.9 s2 before 
fact 9.9 s2 before --------------------------------------------------------------------------------------
fact 9.9 s2 before veth0                  xdp_drop_odd      native   129  b817fd8b2ae05da9 
fact 9.9 s2 before 
fact 9.9 s2 xc_plan {"event":"plan","hostname":"(none)","iface":"veth0","ifindex":10,"hook":"tc","mode":"tc","fallback_generic":false,"attach":"clsact","variant":"tc","reason":"behind XDP program id 129 \\"xdp_drop_odd\\" (native mode), which stays: counts only what it passes; clsact qdisc with a cls_bpf filter: no tcx (6.6+); creates a clsact qdisc and removes it on exit","variant_reason":"tc: counts at tc ingress (skb->len from the Ethernet header on, GRO segments as frames)","direction":"in","libxdp_after_us":"foreign","libxdp_reason":"no, as before xdpcount: XDP program id 129 \\"xdp_drop_odd\\" is not a libxdp dispatcher, and libxdp will not replace it"}
fact 9.9 s2 xc_attached {"event":"attached","hostname":"(none)","iface":"veth0","ifindex":10,"hook":"tc","mode":"tc","attach":"clsact","direction":"in","program_id":134,"reason":"behind XDP program id 129 \\"xdp_drop_odd\\" (native mode), which stays: counts only what it passes; clsact qdisc with a cls_bpf filter: no tcx (6.6+); creates a clsact qdisc and removes it on exit"}
fact 9.9 s2 status_rc 0
fact 9.9 s2 status 
fact 9.9 s2 status --------------------------------------------------------------------------------------
fact 9.9 s2 status veth0                  xdp_drop_odd      native   129  b817fd8b2ae05da9 
fact 9.9 s2 status 
fact 9.9 s2 t_sent 200
fact 9.9 s2 t_rx frames 100 odd 0 even 100 lost 0
fact 9.9 s2 xc_rc 0
fact 9.9 s2 xc_detached {"event":"detached","hostname":"(none)","iface":"veth0","packets":100,"bytes":6400}
fact 9.9 s2 after_rc 0
fact 9.9 s2 after 
fact 9.9 s2 after --------------------------------------------------------------------------------------
fact 9.9 s2 after veth0                  xdp_drop_odd      native   129  b817fd8b2ae05da9 
fact 9.9 s2 after 
fact 9.9 s2 t2_sent 200
fact 9.9 s2 t2_rx frames 100 odd 0 even 100 lost 0
"""
BLOCKED_FACTS = BLOCKED_FACTS.replace("fact 9.9 - done 1\n", SHARED_BLOCKED_FACTS + "fact 9.9 - done 1\n")


def neighbours():
    """The neighbour judge passes the facts of a good run and fails each
    broken one: an odd frame through, another program id after us, our slot
    gone when xdp-loader adds its program, a stale slot left by detach."""
    def judge(text):
        res = []
        ktool.neighbour_judge("9.9", ktool.neighbour_facts(text.splitlines()),
                              lambda name, ok, detail="": res.append((name, bool(ok))))
        return [n for n, ok in res if not ok], len(res)
    bad, n = judge(NEIGHBOUR_FACTS)
    check(not bad and n >= 10, "neighbours: a good run passes its %d assertions (%s)" % (n, bad))
    bad, _ = judge(NEIGHBOUR_FACTS.replace("base t_rx frames 100 odd 0", "base t_rx frames 101 odd 1"))
    check(len(bad) == 1 and "base" in bad[0], "neighbours: an odd frame through the dispatcher fails (%s)" % bad)
    bad, _ = judge(NEIGHBOUR_FACTS.replace("dp after veth0                  xdp_drop_odd      native   191",
                                           "dp after veth0                  xdp_drop_odd      native   192"))
    check(len(bad) == 1 and "untouched" in bad[0], "neighbours: another program after us fails (%s)" % bad)
    bad, _ = judge(NEIGHBOUR_FACTS.replace("fact 9.9 a status  =>              0      xdpcount_linear", "#"))
    check(len(bad) == 1 and " a: both attached" in bad[0],
          "neighbours: our slot dropped when xdp-loader adds its program fails (%s)" % bad)
    bad, _ = judge(NEIGHBOUR_FACTS.replace(
        "fact 9.9 c1 after veth0                  xdp_dispatcher    native   150   3d5fd855b3c1a162 \n",
        "fact 9.9 c1 after veth0                  xdp_dispatcher    native   150   3d5fd855b3c1a162 \n"
        "fact 9.9 c1 after  =>              0      xdpcount_linear           135   e233012d183e0663  XDP_PASS\n"))
    check(len(bad) == 1 and "c1: after detach" in bad[0], "neighbours: a slot detach left fails (%s)" % bad)
    bad, _ = judge(NEIGHBOUR_FACTS.replace("fact 9.9 - done 1\n", ""))
    check(len(bad) == 1 and "end" in bad[0], "neighbours: scenarios cut short fail (%s)" % bad)
    # by default, a dispatcher of the installed libxdp's version (9.9: 3)
    bad, _ = judge(NEIGHBOUR_FACTS.replace("version 3, as the installed libxdp 1.9.0",
                                           "version 2, as the installed libxdp 1.9.0", 1))
    check(len(bad) == 1 and "a: by default" in bad[0],
          "neighbours: 9.9 writes version 3: a default dispatcher of version 2 fails (%s)" % bad)
    bad, _ = judge(NEIGHBOUR_FACTS.replace("fact 9.9 a xc_attached", "fact 9.9 a xc_attached_was")
                   .replace("fact 9.9 a load 0", 'fact 9.9 a xc_attached {"event":"attached","hook":"xdp",'
                            '"attach":"link","reason":"bpf_link"}\nfact 9.9 a load 0'))
    check(any(" a: xdpcount at XDP in the dispatcher" in b for b in bad),
          "neighbours: our program alone where xdpcount comes first fails (%s)" % bad)
    # where the kernel cannot host a dispatcher: judged for what holds there
    def judge_blocked(text, why=BLOCKED_WHY):
        res = []
        ktool.neighbour_judge("9.9", ktool.neighbour_facts(text.splitlines()),
                              lambda name, ok, detail="": res.append((name, bool(ok))), False, why)
        return [n for n, ok in res if not ok], len(res)
    bad, n = judge_blocked(BLOCKED_FACTS)
    check(not bad and n >= 20, "neighbours: no dispatcher: a good run passes its %d assertions (%s)" % (n, bad))
    bad, _ = judge_blocked(BLOCKED_FACTS.replace('"libxdp_after_us":"blocked"', '"libxdp_after_us":"yes"', 1))
    check(len(bad) == 1 and " a: its plan says" in bad[0],
          "neighbours: no dispatcher: a plan that says libxdp users can join fails (%s)" % bad)
    bad, _ = judge_blocked(BLOCKED_FACTS, why="another reason")
    check(len(bad) == 4 and all("check's reason" in b for b in bad),
          "neighbours: no dispatcher: a plan without check's reason fails (%s)" % bad)
    bad, _ = judge_blocked(BLOCKED_FACTS.replace("fact 9.9 a load 240", "fact 9.9 a load 0"))
    check(len(bad) == 1 and " a: xdp-loader load after it is refused" in bad[0],
          "neighbours: no dispatcher: a libxdp load that succeeds after us fails (%s)" % bad)
    bad, _ = judge_blocked(BLOCKED_FACTS.replace("c1 detach-out veth0: removed 0", "c1 detach-out veth0: removed 1"))
    check(len(bad) == 1 and "c1: kill -9 leaves nothing" in bad[0],
          "neighbours: no dispatcher: something left after kill -9 fails (%s)" % bad)
    # (s1) and (s2): --attach shared, judged on its own lines
    def sc(text, prefix, a, b):
        """TEXT with A replaced by B in the lines that start with PREFIX."""
        return "".join(x.replace(a, b) if x.startswith(prefix) else x for x in text.splitlines(True))
    # each: (judge, facts, PREFIX, A, B, the one failure's name holds, what it shows)
    for jd, facts, prefix, a, b, want, what in [
        (judge, NEIGHBOUR_FACTS, "fact 9.9 s1 xc_attached", '"attach":"dispatcher"', '"attach":"link"',
         "s1: --attach shared holds XDP through a dispatcher",
         "--attach shared first: our program alone on XDP"),
        (judge, NEIGHBOUR_FACTS, "fact 9.9 s1 load ", "load 0", "load 240",
         "s1: xdp-loader load after xdpcount succeeds",
         "--attach shared first: xdp-loader refused after it"),
        (judge, NEIGHBOUR_FACTS, "fact 9.9 s1 xc_detached", '"packets":200', '"packets":100',
         "s1: xdpcount counted every frame sent",
         "--attach shared in a dispatcher: the dropped frames not counted"),
        (judge, NEIGHBOUR_FACTS, "fact 9.9 s1 t_rx", "frames 100 odd 0", "frames 101 odd 1",
         "s1: both attached",
         "--attach shared first: a dropped frame reaching the peer"),
        (judge, NEIGHBOUR_FACTS, "fact 9.9 s1 status  =>              0      xdpcount_linear", "fact", "#",
         "s1: xdp-loader status lists one xdp_dispatcher",
         "--attach shared first: our slot gone when xdp-loader adds its program"),
        (judge, NEIGHBOUR_FACTS, "fact 9.9 s2 after  =>", " 217 ", " 218 ",
         "s2: xdpcount stopped",
         "--attach shared after xdp-loader: another program after us"),
        (judge, NEIGHBOUR_FACTS, "fact 9.9 s2 xc_attached", "joins libxdp dispatcher", "holds XDP",
         "s2: --attach shared joins",
         "--attach shared after xdp-loader: not joining its dispatcher"),
        (judge, NEIGHBOUR_FACTS, "fact 9.9 s1 t2_rx", "frames 100 odd 0", "frames 200 odd 100",
         "s1: after xdpcount stopped",
         "--attach shared stopped: the other program no longer dropping"),
        (judge_blocked, BLOCKED_FACTS, "fact 9.9 s1 xc_attached", '"hook":"tc"', '"hook":"xdp"',
         "s1: --attach shared counts at tc ingress",
         "no dispatcher: --attach shared on XDP"),
        (judge_blocked, BLOCKED_FACTS, "fact 9.9 s1 load ", "load 0", "load 240",
         "s1: xdp-loader load after xdpcount succeeds",
         "no dispatcher: --attach shared first: xdp-loader refused after it"),
        (judge_blocked, BLOCKED_FACTS, "fact 9.9 s1 xc_detached", '"packets":100', '"packets":99',
         "s1: xdpcount counted what xdp_drop_odd passed",
         "no dispatcher: --attach shared at tc not exact"),
        (judge_blocked, BLOCKED_FACTS, "fact 9.9 s1 after veth0", "xdp_drop_odd      native   112",
         "xdp_drop_odd      native   113",
         "s1: xdpcount stopped",
         "no dispatcher: --attach shared stopped: another program after us"),
    ]:
        bad, _ = jd(sc(facts, prefix, a, b))
        check(len(bad) == 1 and want in bad[0], "neighbours: %s fails (%s)" % (what, bad))
    # given --attach ARGS, the default is not judged
    bad, _ = judge("fact 9.9 - first_args --attach dispatcher --dispatcher-version 2\n" +
                   NEIGHBOUR_FACTS.replace("as the installed libxdp 1.9.0", "--dispatcher-version"))
    check(not bad, "neighbours: with --attach given, the default's version is not asked (%s)" % bad)


def dispbench_step(ctx_in=True, rc="0", drop=None):
    out = []
    for k in ktool.DISPBENCH_PROGS:
        if k == drop:
            continue
        ev = {"prog": k, "insns": 40}
        if k in ktool.DISPBENCH_MEASURED:
            ev["ns_1cpu"] = 25.0
            if ctx_in is not None:
                ev["ctx_in"] = ctx_in
        out.append(json.dumps(ev))
    return {"rc": rc, "out": out}


def dispbench():
    """The dispatcher bench's judge: every program measured; a context
    refused only where the kernel is older than 5.15."""
    def judge(step, release, possible=True):
        res = []
        ktool.dispbench_judge(step, possible, release, lambda n, ok, d="": res.append((n, bool(ok))))
        return [n for n, ok in res if not ok], res

    bad, res = judge(dispbench_step(), "6.12.38+deb13-amd64")
    check(not bad and len(res) == 2, "dispbench: measured with a context on 6.12 passes (%s)" % bad)
    bad, _ = judge(dispbench_step(ctx_in=False), "5.10.0-35-amd64")
    check(not bad, "dispbench: measured without a context on 5.10 passes (%s)" % bad)
    bad, _ = judge(dispbench_step(ctx_in=False), "5.15.0-1-amd64")
    check(len(bad) == 1 and "before 5.15" in bad[0],
          "dispbench: without a context on a kernel that takes one (5.15) fails (%s)" % bad)
    bad, _ = judge(dispbench_step(ctx_in=None), "6.12.38+deb13-amd64")
    check(len(bad) == 1 and "ctx_in" in bad[0], "dispbench: lines not saying ctx_in fail (%s)" % bad)
    bad, _ = judge(dispbench_step(drop="ext_xdpcount"), "6.12.38+deb13-amd64")
    check(len(bad) == 1 and "every program measured" in bad[0],
          "dispbench: a program not measured fails (%s)" % bad)
    bad, _ = judge({"rc": "1", "out": ["xdpbench: dispatcher_empty_empty: Invalid argument"]}, "5.10.0-35-amd64")
    check(len(bad) == 1 and "every program measured" in bad[0],
          "dispbench: the bench failing (as 5.10's ctx refusal did) fails (%s)" % bad)
    bad, _ = judge({"rc": "1", "out": []}, "5.4.0-1-amd64", possible=False)
    check(not bad, "dispbench: no dispatcher possible and nothing measured passes (%s)" % bad)


def main():
    with tempfile.TemporaryDirectory(prefix="xdpcount-ktool.") as tmp:
        # up to 6.x: one package
        rel = "6.12.118+deb13-amd64"
        old = deb(tmp, "linux-image-old", {
            "/boot/vmlinuz-" + rel: KERNEL, "/boot/config-" + rel: CONFIG,
            "/lib/modules/%s/kernel/drivers/net/veth.ko.xz" % rel: lzma.compress(mod()),
            "/lib/modules/%s/kernel/net/sched/sch_ingress.ko" % rel: mod(),
            "/lib/modules/%s/kernel/net/sched/cls_bpf.ko" % rel: mod()})
        p, man = extract(tmp, [old], os.path.join(tmp, "out-old"))
        check(p.returncode == 0, "6.x packaging: extracted (%s)" % p.stdout.strip())
        check(man.get("release") == rel, "6.x packaging: release %s (%s)" % (rel, man.get("release")))
        check(man.get("bpf_jit") == "on", "6.x packaging: the JIT default from /boot/config-* (%s)" % man.get("bpf_jit"))
        check(man.get("modules") == "veth.ko sch_ingress.ko cls_bpf.ko",
              "6.x packaging: veth, sch_ingress, cls_bpf (%s)" % man.get("modules"))

        # 7.x: linux-image depends on linux-binary, -modules and -base
        rel = "7.2.13+deb14-amd64"
        md = "/usr/lib/modules/%s/" % rel
        parts = [
            deb(tmp, "linux-image-new", {"/usr/share/doc/linux-image-new/x": b""},
                "linux-base-7 (= 1.0-1), linux-binary-7 (= 1.0-1), linux-modules-7 (= 1.0-1)"),
            deb(tmp, "linux-base-7", {md + "config": CONFIG, md + "modules.order": b""}),
            deb(tmp, "linux-binary-7", {md + "vmlinuz": KERNEL}),
            deb(tmp, "linux-modules-7", {
                md + "kernel/drivers/net/veth.ko.xz": lzma.compress(mod("ptrlib")),
                md + "kernel/lib/ptrlib.ko.xz": lzma.compress(mod()),
                md + "kernel/net/sched/cls_bpf.ko.xz": lzma.compress(mod())}),
        ]
        p, man = extract(tmp, parts, os.path.join(tmp, "out-new"))
        check(p.returncode == 0, "7.x packaging: extracted from the four packages (%s)" % p.stdout.strip())
        check(man.get("release") == rel, "7.x packaging: release %s (%s)" % (rel, man.get("release")))
        check(man.get("kernel") == "vmlinuz" and
              open(os.path.join(tmp, "out-new", "vmlinuz"), "rb").read() == KERNEL,
              "7.x packaging: the kernel from linux-binary's /usr/lib/modules/<release>/vmlinuz")
        check(man.get("bpf_jit") == "on", "7.x packaging: the JIT default from linux-base's config (%s)"
              % man.get("bpf_jit"))
        check(man.get("modules") == "ptrlib.ko veth.ko cls_bpf.ko",
              "7.x packaging: veth after its dependency; sch_ingress built in (%s)" % man.get("modules"))
        check(len(man.get("deb", "").split()) == 4 and len(man.get("deb_sha256", "").split()) == 4,
              "7.x packaging: the manifest names the four .debs and their sha256")
        kc = subprocess.run([sys.executable, os.path.join(HERE, "ktool.py"), "kconfig"] +
                            ["--deb=" + d for d in parts], stdout=subprocess.PIPE, text=True)
        check(kc.stdout.strip() == "bpf_jit=on", "7.x packaging: kconfig reads linux-base (%s)" % kc.stdout.strip())

        # without linux-binary there is no kernel: refused, and said so
        p, _ = extract(tmp, [parts[0], parts[1], parts[3]], os.path.join(tmp, "out-nokernel"))
        check(p.returncode == 1 and "missing" in p.stdout and "vmlinuz" in p.stdout,
              "7.x packaging without linux-binary: refused naming vmlinuz (%s)" % p.stdout.strip())

    neighbours()
    dispbench()
    check(ktool.series_key("7.x") > ktool.series_key("6.12") > ktool.series_key("6.6") > ktool.series_key("5.10"),
          "series order: 5.10 < 6.6 < 6.12 < 7.x")
    print("%d passed, %d failed" % (RES["ok"], RES["fail"]))
    return 1 if RES["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
