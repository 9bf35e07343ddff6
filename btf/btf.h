/* btf/: finding and validating kernel BTF, and reporting it. The counter
 * needs no BTF (no CO-RE, and it loads its programs without libbpf's object
 * loader); this tells the operator what is there, and validates --btf. */
#ifndef XDPCOUNT_BTF_H
#define XDPCOUNT_BTF_H

#include <stdbool.h>
#include <stdint.h>
#include "probe/probe.h"

#define BTF_SYSFS_PATH "/sys/kernel/btf/vmlinux"

struct btf_report {
	bool available;      /* valid BTF found at source */
	char source[4096];   /* the file used (or the override that failed) */
	uint64_t size;       /* bytes */
	int matches_kernel;  /* 1 same build as the running kernel, 0 differs,
			      * -1 cannot tell */
	bool parsed;         /* parsed in full by libbpf; false: the running
			      * kernel's own BTF, header and layout checked */
	int err;             /* negative errno of the override, or of the
			      * last default location found but invalid */
};

/* Looks for kernel BTF, in order: override (--btf FILE, may be NULL);
 * BTF_SYSFS_PATH; the vmlinux locations libbpf tries, for release (NULL:
 * uname). The override and the vmlinux files are validated with libbpf's
 * parser and freed at once (vmlinux BTF costs megabytes of RSS and tens of
 * milliseconds); BTF_SYSFS_PATH, which the running kernel itself serves and
 * nothing here needs, only by btf_header_check() (--btf
 * /sys/kernel/btf/vmlinux parses it in full).
 * An override is final: if it is invalid, returns its error (and nothing
 * else is tried):
 *   -ENOENT missing, -EISDIR a directory, -ENOEXEC neither raw BTF nor ELF,
 *   -EINVAL corrupt or truncated BTF, -ENODATA an ELF without .BTF,
 *   or another -errno from open/read.
 * Without an override, finding nothing is not an error: returns 0 with
 * available=false. */
int btf_find(const char *override, const char *release, struct btf_report *r);

/* Checks a raw BTF file of size bytes without parsing its types: magic,
 * version 1, a header that fits, type and string sections inside the file
 * and ending it, and a string section that starts and ends with NUL.
 * Returns 0, or -EINVAL (bad or truncated), or -errno from open/read. */
int btf_header_check(const char *path, uint64_t size);

/* p->btf_vmlinux from a report: YES if available, NO otherwise (with the
 * error kept). */
void btf_fact(const struct btf_report *r, struct fact *f);

/* The probe step for kernel BTF: btf_find() for p's release, and
 * p->btf_vmlinux filled from what it found. Returns btf_find()'s error. */
int probe_btf(struct probe *p, const char *override, struct btf_report *r);

#endif
