#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <gelf.h>
#include <libelf.h>

#include "bpf/stats.h"
#include "loader/image.h"

#define SLOT_SYMBOL "xdpcount_slot"

struct sections {
	Elf_Scn *prog, *rel, *rodata, *license, *symtab;
	size_t prog_idx, rodata_idx, maps_idx, strtab_idx;
};

static int find_sections(Elf *elf, const char *prog_sec, struct sections *s)
{
	char rel_name[64];
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -ENOEXEC;
	snprintf(rel_name, sizeof(rel_name), ".rel%s", prog_sec);
	memset(s, 0, sizeof(*s));
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			return -ENOEXEC;
		if (strcmp(name, prog_sec) == 0) {
			s->prog = scn;
			s->prog_idx = elf_ndxscn(scn);
		} else if (strcmp(name, rel_name) == 0 && sh.sh_type == SHT_REL) {
			s->rel = scn;
		} else if (strcmp(name, ".rodata") == 0) {
			s->rodata = scn;
			s->rodata_idx = elf_ndxscn(scn);
		} else if (strcmp(name, ".maps") == 0) {
			s->maps_idx = elf_ndxscn(scn);
		} else if (strcmp(name, "license") == 0) {
			s->license = scn;
		} else if (sh.sh_type == SHT_SYMTAB) {
			s->symtab = scn;
			s->strtab_idx = sh.sh_link;
		}
	}
	return s->prog && s->rel && s->rodata && s->maps_idx && s->license && s->symtab ? 0 : -ENOEXEC;
}

static int copy_data(Elf_Scn *scn, void *to, size_t max, size_t *len)
{
	Elf_Data *d = elf_rawdata(scn, NULL);

	if (!d || !d->d_buf || d->d_size > max)
		return -ENOEXEC;
	memcpy(to, d->d_buf, d->d_size);
	*len = d->d_size;
	return 0;
}

/* The ld_imm64 relocations of the program: the stats map, or .rodata. */
static int read_relos(Elf *elf, const struct sections *s, struct image *img)
{
	Elf_Data *rel = elf_getdata(s->rel, NULL), *syms = elf_getdata(s->symtab, NULL);
	GElf_Shdr sh;

	if (!rel || !syms || !gelf_getshdr(s->rel, &sh) || !sh.sh_entsize)
		return -ENOEXEC;
	for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
		struct image_relo *r = &img->relos[img->n_relos];
		const char *name;
		GElf_Rel rl;
		GElf_Sym sym;
		unsigned int at;

		if (!gelf_getrel(rel, (int)i, &rl) ||
		    !gelf_getsym(syms, (int)GELF_R_SYM(rl.r_info), &sym) ||
		    img->n_relos >= IMAGE_MAX_RELOS || rl.r_offset % sizeof(struct bpf_insn))
			return -ENOEXEC;
		at = (unsigned int)(rl.r_offset / sizeof(struct bpf_insn));
		if (at + 1 >= img->n_insns || img->insns[at].code != (BPF_LD | BPF_IMM | BPF_DW))
			return -ENOEXEC;
		name = elf_strptr(elf, s->strtab_idx, sym.st_name);
		r->insn = at;
		if (sym.st_shndx == s->maps_idx && name && strcmp(name, XDPCOUNT_MAP_STATS) == 0) {
			r->rodata = false;
		} else if (sym.st_shndx == s->rodata_idx) {
			/* a variable symbol (st_value) or the section (imm) */
			r->rodata = true;
			r->offset = (unsigned int)sym.st_value + (unsigned int)img->insns[at].imm;
			if (r->offset >= img->rodata_size)
				return -ENOEXEC;
		} else {
			return -ENOEXEC;
		}
		img->n_relos++;
	}
	return 0;
}

static int find_slot(Elf *elf, const struct sections *s, struct image *img)
{
	Elf_Data *syms = elf_getdata(s->symtab, NULL);
	GElf_Sym sym;

	for (int i = 0; syms && gelf_getsym(syms, i, &sym); i++) {
		const char *name = elf_strptr(elf, s->strtab_idx, sym.st_name);

		if (sym.st_shndx == s->rodata_idx && name && strcmp(name, SLOT_SYMBOL) == 0 &&
		    sym.st_value + sizeof(__u32) <= img->rodata_size) {
			img->slot_offset = (unsigned int)sym.st_value;
			return 0;
		}
	}
	return -ENOEXEC;
}

int image_parse(const struct embedded_object *obj, enum variant variant, struct image *img)
{
	static const char *const secs[VARIANT_COUNT] = {
		[VARIANT_LINEAR] = "xdp", [VARIANT_FRAGS] = "xdp.frags",
		[VARIANT_TC] = "tc", [VARIANT_EGRESS] = "tc/egress",
	};
	const char *sec = (unsigned int)variant < VARIANT_COUNT ? secs[variant] : "xdp";
	struct sections s;
	size_t len;
	Elf *elf;
	int err;

	memset(img, 0, sizeof(*img));
	img->name = plan_variant_prog(variant);
	img->frags = variant == VARIANT_FRAGS;
	img->tc = variant == VARIANT_TC || variant == VARIANT_EGRESS;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	elf = elf_memory((char *)obj->data, obj->size);
	if (!elf)
		return -ENOEXEC;
	err = find_sections(elf, sec, &s);
	if (!err)
		err = copy_data(s.prog, img->insns, sizeof(img->insns), &len);
	if (!err) {
		img->n_insns = (unsigned int)(len / sizeof(struct bpf_insn));
		err = copy_data(s.rodata, img->rodata, sizeof(img->rodata), &len);
	}
	if (!err) {
		img->rodata_size = (unsigned int)len;
		err = copy_data(s.license, img->license, sizeof(img->license) - 1, &len);
	}
	if (!err)
		err = read_relos(elf, &s, img);
	if (!err)
		err = find_slot(elf, &s, img);
	elf_end(elf);
	return err;
}
