/* One variant's program taken out of the embedded object, ready to load with
 * plain bpf() calls: its instructions, the places that reference the stats
 * map and the slot in .rodata, the license and the .rodata bytes. Parsing
 * the ELF here (libelf, no kernel) lets the loader skip libbpf's object
 * loader and the two dozen feature probes it makes before the first load:
 * the counter needs none of them (no BTF, no CO-RE, two plain maps). */
#ifndef XDPCOUNT_IMAGE_H
#define XDPCOUNT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

#include "loader/objects.h"
#include "plan/plan.h"

#define IMAGE_MAX_INSNS 256
#define IMAGE_MAX_RELOS 8
#define IMAGE_MAX_RODATA 64

struct image_relo {
	unsigned int insn;   /* index of the ld_imm64 instruction */
	bool rodata;         /* .rodata value (else the stats map) */
	unsigned int offset; /* into .rodata */
};

struct image {
	const char *name; /* program name, e.g. XDPCOUNT_PROG_LINEAR */
	bool frags;       /* load with BPF_F_XDP_HAS_FRAGS */
	bool tc;          /* a tc program (BPF_PROG_TYPE_SCHED_CLS) */
	struct bpf_insn insns[IMAGE_MAX_INSNS];
	unsigned int n_insns;
	struct image_relo relos[IMAGE_MAX_RELOS];
	unsigned int n_relos;
	char license[64];
	unsigned char rodata[IMAGE_MAX_RODATA];
	unsigned int rodata_size;
	unsigned int slot_offset; /* of xdpcount_slot in .rodata */
};

/* Fills *img with variant's program from obj (in this host's byte order).
 * -ENOEXEC when the object is not what bpf/counter.bpf.c builds: a missing
 * section or symbol, a relocation against anything but the stats map or
 * .rodata, or sizes beyond the limits above. */
int image_parse(const struct embedded_object *obj, enum variant variant, struct image *img);

#endif
