/* Kernel BTF: where it is, whether libbpf can parse it, and whether it
 * belongs to the running kernel. Nothing stays loaded. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <gelf.h>
#include <libelf.h>

#include "btf/btf.h"

#define BTF_MAGIC_LE 0xeB9F
#define BUILD_ID_MAX 64
#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

enum btf_file_kind { BTFF_RAW = 1, BTFF_ELF };

/* The locations libbpf's btf__load_vmlinux_btf() tries after sysfs. */
static const char *const vmlinux_locations[] = {
	"/boot/vmlinux-%1$s",
	"/lib/modules/%1$s/vmlinux-%1$s",
	"/lib/modules/%1$s/build/vmlinux",
	"/usr/lib/modules/%1$s/kernel/vmlinux",
	"/usr/lib/debug/boot/vmlinux-%1$s",
	"/usr/lib/debug/boot/vmlinux-%1$s.debug",
	"/usr/lib/debug/lib/modules/%1$s/vmlinux",
};

static bool host_is_big(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 0;
}

/* Reads up to len bytes from the start of path. Returns the count or -errno. */
static ssize_t read_head(const char *path, void *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

/* What the file is, by its first bytes; fills *size. */
static int btf_classify(const char *path, uint64_t *size)
{
	unsigned char head[4];
	struct stat st;
	ssize_t n;

	if (stat(path, &st) != 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	*size = (uint64_t)st.st_size;
	n = read_head(path, head, sizeof(head));
	if (n < 0)
		return (int)n;
	if (n < 2)
		return -EINVAL; /* empty or truncated */
	if ((head[0] == 0x9f && head[1] == 0xeb) ||
	    (head[0] == 0xeb && head[1] == 0x9f))
		return BTFF_RAW;
	if (n == 4 && memcmp(head, ELFMAG, SELFMAG) == 0)
		return BTFF_ELF;
	return -ENOEXEC;
}

static uint32_t get32(const unsigned char *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

int btf_header_check(const char *path, uint64_t size)
{
	/* struct btf_header: magic u16, version u8, flags u8, hdr_len,
	 * type_off, type_len, str_off, str_len (u32 each). */
	unsigned char h[24], first = 1, last = 1;
	uint64_t data, type_end, str_end;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	bool swap;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		err = -EINVAL;
		goto out;
	}
	if (h[0] == 0x9f && h[1] == 0xeb)
		swap = host_is_big();
	else if (h[0] == 0xeb && h[1] == 0x9f)
		swap = !host_is_big();
	else {
		err = -EINVAL;
		goto out;
	}
	hdr_len = get32(h + 4, swap);
	type_off = get32(h + 8, swap);
	type_len = get32(h + 12, swap);
	str_off = get32(h + 16, swap);
	str_len = get32(h + 20, swap);
	/* misaligned sections: the kernel refuses them, and libbpf 1.5.0 would
	 * read its types unaligned (undefined behaviour; found by fuzzing) */
	if (h[2] != 1 || hdr_len < sizeof(h) || hdr_len > size || str_len == 0 ||
	    hdr_len % 4 || type_off % 4 || type_len % 4) {
		err = -EINVAL;
		goto out;
	}
	data = size - hdr_len;
	type_end = (uint64_t)type_off + type_len;
	str_end = (uint64_t)str_off + str_len;
	if (type_end > data || str_end > data ||
	    (type_end > str_end ? type_end : str_end) != data ||
	    (type_off < str_off ? type_end > str_off : str_end > type_off)) {
		err = -EINVAL;
		goto out;
	}
	if (pread(fd, &first, 1, (off_t)(hdr_len + str_off)) != 1 ||
	    pread(fd, &last, 1, (off_t)(hdr_len + str_end - 1)) != 1 || first || last)
		err = -EINVAL;
out:
	close(fd);
	return err;
}

/* The BTF header's own checks, before libbpf sees the data: libbpf 1.5.0
 * reads types at hdr_len + type_off unaligned (undefined behaviour) when
 * that is not a multiple of 4, and the kernel refuses such BTF anyway.
 * -EINVAL when the header is not sound for a buffer of size bytes (the
 * in-memory twin of btf_header_check(), for ELF .BTF sections). */
static int btf_header_sound(const void *d, size_t avail, uint64_t size)
{
	struct btf_header h;
	bool swap;

	if (avail < sizeof(h) || size < sizeof(h))
		return -EINVAL;
	memcpy(&h, d, sizeof(h));
	swap = h.magic == __builtin_bswap16(BTF_MAGIC);
	if (!swap && h.magic != BTF_MAGIC)
		return -EINVAL;
	if (swap) {
		h.hdr_len = __builtin_bswap32(h.hdr_len);
		h.type_off = __builtin_bswap32(h.type_off);
		h.type_len = __builtin_bswap32(h.type_len);
		h.str_off = __builtin_bswap32(h.str_off);
		h.str_len = __builtin_bswap32(h.str_len);
	}
	if (h.hdr_len < sizeof(h) || h.hdr_len % 4 || h.type_off % 4 || h.type_len % 4 ||
	    (uint64_t)h.hdr_len + h.type_off + h.type_len > size ||
	    (uint64_t)h.hdr_len + h.str_off + h.str_len > size)
		return -EINVAL;
	return 0;
}

/* The size of an ELF file's .BTF section: -ENODATA without one, or when it
 * is empty (libbpf 1.5.0 would then memcpy from NULL in btf_new), -EINVAL
 * when libelf cannot read the file. */
static int elf_btf_size(const char *path, uint64_t *size)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int fd, err = -ENODATA;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		err = -EINVAL;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		*size = sh.sh_type == SHT_NOBITS ? 0 : sh.sh_size;
		err = *size ? 0 : -ENODATA;
		if (!err) {
			Elf_Data *d = elf_getdata(scn, NULL);

			err = d && d->d_buf ? btf_header_sound(d->d_buf, d->d_size, d->d_size)
					    : -EINVAL;
		}
		break;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

/* Parses with libbpf and frees at once. libbpf's own codes (4000+) and a
 * missing errno mean the data is bad: -EINVAL. */
static int btf_validate(const char *path)
{
	struct btf *btf;
	int err;

	errno = 0;
	btf = btf__parse(path, NULL);
	if (btf) {
		btf__free(btf);
		return 0;
	}
	err = errno;
	if (err == 0 || err >= 4000 || err == EPROTO || err == ENOTSUP)
		return -EINVAL;
	return -err;
}

/* The GNU build-id note in raw note data (ELF notes, 4-byte aligned, the
 * format of /sys/kernel/notes). Returns its length or 0. */
static size_t notes_build_id(const unsigned char *p, size_t len,
			     unsigned char *id)
{
	size_t off = 0;

	while (off + 12 <= len) {
		uint32_t namesz, descsz, type;
		size_t name_off, desc_off, next;

		memcpy(&namesz, p + off, 4);
		memcpy(&descsz, p + off + 4, 4);
		memcpy(&type, p + off + 8, 4);
		name_off = off + 12;
		desc_off = name_off + ((namesz + 3) & ~3u);
		next = desc_off + ((descsz + 3) & ~3u);
		if (desc_off > len || next > len || next <= off)
			return 0;
		if (type == NT_GNU_BUILD_ID && namesz == 4 &&
		    memcmp(p + name_off, "GNU", 4) == 0 && descsz > 0 &&
		    descsz <= BUILD_ID_MAX) {
			memcpy(id, p + desc_off, descsz);
			return descsz;
		}
		off = next;
	}
	return 0;
}

static size_t kernel_build_id(unsigned char *id)
{
	unsigned char buf[4096];
	ssize_t n = read_head("/sys/kernel/notes", buf, sizeof(buf));

	return n > 0 ? notes_build_id(buf, (size_t)n, id) : 0;
}

static size_t elf_build_id(const char *path, unsigned char *id)
{
	Elf_Scn *scn = NULL;
	size_t len = 0;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		goto out;
	while (!len && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, next, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		while ((next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp((char *)d->d_buf + name_off, "GNU", 4) == 0 &&
			    nh.n_descsz > 0 && nh.n_descsz <= BUILD_ID_MAX) {
				memcpy(id, (char *)d->d_buf + desc_off, nh.n_descsz);
				len = nh.n_descsz;
				break;
			}
			off = next;
		}
	}
	elf_end(elf);
out:
	close(fd);
	return len;
}

/* Byte-compares a raw BTF file with the running kernel's. */
static int same_as_sysfs(const char *path, uint64_t size)
{
	char a[65536], b[65536];
	struct stat st;
	int fa, fb, ret = -1;

	if (stat(BTF_SYSFS_PATH, &st) != 0)
		return -1;
	fa = open(path, O_RDONLY | O_CLOEXEC);
	fb = open(BTF_SYSFS_PATH, O_RDONLY | O_CLOEXEC);
	if (fa < 0 || fb < 0)
		goto out;
	if ((uint64_t)st.st_size != size) {
		ret = 0;
		goto out;
	}
	for (;;) {
		ssize_t na = read(fa, a, sizeof(a)), nb, got = 0;

		if (na < 0)
			goto out;
		while (got < na) { /* sysfs may hand out shorter reads */
			nb = read(fb, b + got, (size_t)(na - got));
			if (nb <= 0)
				goto out;
			got += nb;
		}
		if (na == 0) {
			ret = read(fb, b, 1) == 0 ? 1 : 0;
			goto out;
		}
		if (memcmp(a, b, (size_t)na) != 0) {
			ret = 0;
			goto out;
		}
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return ret;
}

static int btf_matches(const char *path, int kind, uint64_t size)
{
	unsigned char a[BUILD_ID_MAX], b[BUILD_ID_MAX];
	char real[PATH_MAX];
	size_t la, lb;

	if (realpath(path, real) && strcmp(real, BTF_SYSFS_PATH) == 0)
		return 1;
	if (kind == BTFF_RAW)
		return same_as_sysfs(path, size);
	la = elf_build_id(path, a);
	lb = la ? kernel_build_id(b) : 0;
	if (!la || !lb)
		return -1;
	return la == lb && memcmp(a, b, la) == 0;
}

/* Classifies, validates (in full, or the header only) and reports one
 * candidate. */
static int btf_try(const char *path, bool full, struct btf_report *r)
{
	uint64_t size = 0;
	int kind, err;

	kind = btf_classify(path, &size);
	if (kind < 0)
		return kind;
	if (kind == BTFF_ELF) {
		uint64_t btf_size = 0;

		/* no (or an empty) .BTF, or a misaligned one: refused before libbpf */
		err = elf_btf_size(path, &btf_size);
		if (err)
			return err;
	}
	full = full || kind != BTFF_RAW;
	err = kind == BTFF_RAW ? btf_header_check(path, size) : 0;
	if (!err && full)
		err = btf_validate(path);
	if (err)
		return err;
	r->available = true;
	r->parsed = full;
	snprintf(r->source, sizeof(r->source), "%s", path);
	r->size = size;
	r->matches_kernel = btf_matches(path, kind, size);
	r->err = 0;
	return 0;
}

int btf_find(const char *override, const char *release, struct btf_report *r)
{
	char path[PATH_MAX];
	struct utsname u;
	size_t i;
	int err;

	memset(r, 0, sizeof(*r));
	r->matches_kernel = -1;
	if (override) {
		err = btf_try(override, true, r);
		if (err) {
			snprintf(r->source, sizeof(r->source), "%s", override);
			r->err = err;
		}
		return err;
	}
	err = btf_try(BTF_SYSFS_PATH, false, r);
	if (!err)
		return 0;
	if (err != -ENOENT) {
		snprintf(r->source, sizeof(r->source), "%s", BTF_SYSFS_PATH);
		r->err = err;
	}
	if (!release) {
		if (uname(&u) != 0)
			return 0;
		release = u.release;
	}
	for (i = 0; i < sizeof(vmlinux_locations) / sizeof(vmlinux_locations[0]); i++) {
		snprintf(path, sizeof(path), vmlinux_locations[i], release);
		if (access(path, R_OK) != 0)
			continue;
		err = btf_try(path, true, r);
		if (!err)
			return 0;
		/* Found but unusable: worth telling. */
		snprintf(r->source, sizeof(r->source), "%s", path);
		r->err = err;
	}
	return 0;
}

void btf_fact(const struct btf_report *r, struct fact *f)
{
	f->state = r->available ? FACT_YES : FACT_NO;
	f->err = r->available ? 0 : r->err ? r->err : -ENOENT;
}

int probe_btf(struct probe *p, const char *override, struct btf_report *r)
{
	int err = btf_find(override, p->release, r);

	if (!err)
		btf_fact(r, &p->btf_vmlinux);
	return err;
}
