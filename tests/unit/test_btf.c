/* btf/: btf_find() on fixtures made at test time in a temporary directory:
 * a missing path, a directory, garbage, an empty file, a small valid raw BTF
 * and truncated copies, an ELF without .BTF, and copies of this kernel's
 * own BTF where it has one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>
#include <elf.h>
#include <stddef.h>

#include "tests/unit/check.h"
#include "btf/btf.h"

static char dir[64];
static struct btf_report r;

/* An ELF64 file with a .shstrtab and an empty .BTF section, by hand. */
static int write_elf_with_empty_btf(const char *path)
{
	static const char strtab[] = "\0.shstrtab\0.BTF";
	struct {
		Elf64_Ehdr eh;
		char strs[sizeof(strtab)];
		Elf64_Shdr sh[3] __attribute__((aligned(8)));
	} f;
	int fd;
	ssize_t n;

	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	f.eh.e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
	f.eh.e_ident[EI_VERSION] = EV_CURRENT;
	f.eh.e_type = ET_REL;
	f.eh.e_machine = EM_BPF;
	f.eh.e_version = EV_CURRENT;
	f.eh.e_ehsize = sizeof(Elf64_Ehdr);
	f.eh.e_shentsize = sizeof(Elf64_Shdr);
	f.eh.e_shnum = 3;
	f.eh.e_shstrndx = 1;
	f.eh.e_shoff = offsetof(__typeof__(f), sh);
	memcpy(f.strs, strtab, sizeof(strtab));
	f.sh[1].sh_name = 1;
	f.sh[1].sh_type = SHT_STRTAB;
	f.sh[1].sh_offset = offsetof(__typeof__(f), strs);
	f.sh[1].sh_size = sizeof(strtab);
	f.sh[2].sh_name = 11;
	f.sh[2].sh_type = SHT_PROGBITS;
	f.sh[2].sh_offset = f.eh.e_shoff;
	f.sh[2].sh_size = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = write(fd, &f, sizeof(f));
	close(fd);
	return n == (ssize_t)sizeof(f) ? 0 : -EIO;
}

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/* The first len bytes of src (all of it for len 0) into dst. */
static int copy_file(const char *src, const char *dst, size_t len)
{
	static char buf[16 << 20];
	ssize_t n, got = 0;
	int fd = open(src, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + got, sizeof(buf) - (size_t)got)) > 0)
		got += n;
	close(fd);
	if (len && (size_t)got > len)
		got = (ssize_t)len;
	return write_file(dst, buf, (size_t)got);
}

/* A tiny but complete raw BTF: one int type. */
static int write_small_btf(const char *path, size_t truncate_to)
{
	struct btf *btf = btf__new_empty();
	const void *data;
	__u32 size;
	int err;

	if (!btf)
		return -ENOMEM;
	btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	data = btf__raw_data(btf, &size);
	err = write_file(path, data, truncate_to && truncate_to < size ?
			 truncate_to : size);
	btf__free(btf);
	return err;
}

static void test_override_errors_are_distinct(void)
{
	char path[128];

	path_in(path, sizeof(path), "missing");
	CHECK_EQ_INT(btf_find(path, NULL, &r), -ENOENT);
	CHECK(!r.available);
	CHECK_EQ_INT(r.err, -ENOENT);
	CHECK_EQ_STR(r.source, path);

	CHECK_EQ_INT(btf_find(dir, NULL, &r), -EISDIR);
	CHECK_EQ_INT(r.err, -EISDIR);

	path_in(path, sizeof(path), "garbage");
	CHECK_EQ_INT(write_file(path, "this is not BTF at all\n", 23), 0);
	CHECK_EQ_INT(btf_find(path, NULL, &r), -ENOEXEC);
	CHECK_EQ_INT(r.err, -ENOEXEC);

	path_in(path, sizeof(path), "empty");
	CHECK_EQ_INT(write_file(path, "", 0), 0);
	CHECK_EQ_INT(btf_find(path, NULL, &r), -EINVAL);

	path_in(path, sizeof(path), "small-truncated.btf");
	CHECK_EQ_INT(write_small_btf(path, 20), 0);
	CHECK_EQ_INT(btf_find(path, NULL, &r), -EINVAL);
	CHECK_EQ_INT(r.err, -EINVAL);
	CHECK(!r.available);

	/* An ELF file without a .BTF section: this very test program. */
	CHECK_EQ_INT(btf_find("/proc/self/exe", NULL, &r), -ENODATA);

	/* One whose .BTF section is empty: refused before libbpf (1.5.0 would
	 * memcpy from NULL in btf_new). */
	path_in(path, sizeof(path), "empty-btf.elf");
	CHECK_EQ_INT(write_elf_with_empty_btf(path), 0);
	CHECK_EQ_INT(btf_find(path, NULL, &r), -ENODATA);
}

static void test_small_raw_btf_is_valid_but_not_this_kernel(void)
{
	char path[128];
	struct stat st;

	path_in(path, sizeof(path), "small.btf");
	CHECK_EQ_INT(write_small_btf(path, 0), 0);
	CHECK_EQ_INT(btf_find(path, NULL, &r), 0);
	CHECK(r.available);
	CHECK_EQ_STR(r.source, path);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_U64(r.size, st.st_size);
	CHECK_EQ_INT(r.err, 0);
	/* Differs from the running kernel's BTF where there is one. */
	CHECK_EQ_INT(r.matches_kernel,
		     access(BTF_SYSFS_PATH, R_OK) == 0 ? 0 : -1);
}

/* The quick check of a raw BTF file: a valid one passes; a truncated one,
 * garbage, and a file whose size does not end with the strings fail. */
static void test_header_check(void)
{
	char path[128], cut[128], junk[128];
	struct stat st;

	path_in(path, sizeof(path), "small.btf");
	CHECK_EQ_INT(write_small_btf(path, 0), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(btf_header_check(path, (uint64_t)st.st_size), 0);
	/* A size the sections do not add up to. */
	CHECK_EQ_INT(btf_header_check(path, (uint64_t)st.st_size + 1), -EINVAL);
	path_in(cut, sizeof(cut), "small-truncated.btf");
	CHECK_EQ_INT(write_small_btf(cut, (size_t)st.st_size - 2), 0);
	CHECK_EQ_INT(btf_header_check(cut, (uint64_t)st.st_size - 2), -EINVAL);
	CHECK_EQ_INT(write_small_btf(cut, 20), 0); /* shorter than a header */
	CHECK_EQ_INT(btf_header_check(cut, 20), -EINVAL);
	path_in(junk, sizeof(junk), "garbage");
	CHECK_EQ_INT(write_file(junk, "this is not BTF at all, no", 26), 0);
	CHECK_EQ_INT(btf_header_check(junk, 26), -EINVAL);
	path_in(junk, sizeof(junk), "missing");
	CHECK_EQ_INT(btf_header_check(junk, 100), -ENOENT);
}

static void test_kernel_btf_copies(void)
{
	char full[128], cut[128];

	if (access(BTF_SYSFS_PATH, R_OK) != 0) {
		CHECK_SKIP_PART("kernel BTF copies: no " BTF_SYSFS_PATH " on this kernel");
		return;
	}
	/* Without an override, sysfs is found first and always matches. */
	CHECK_EQ_INT(btf_find(NULL, NULL, &r), 0);
	CHECK(r.available);
	CHECK_EQ_STR(r.source, BTF_SYSFS_PATH);
	CHECK(r.size > 1024);
	CHECK_EQ_INT(r.matches_kernel, 1);
	CHECK(!r.parsed); /* the kernel's own: header and layout only */

	path_in(full, sizeof(full), "vmlinux.btf");
	CHECK_EQ_INT(copy_file(BTF_SYSFS_PATH, full, 0), 0);
	CHECK_EQ_INT(btf_find(full, NULL, &r), 0);
	CHECK_EQ_INT(r.matches_kernel, 1); /* byte for byte the same */
	CHECK(r.parsed); /* an override is parsed in full */
	CHECK_EQ_INT(btf_header_check(full, r.size), 0);

	path_in(cut, sizeof(cut), "vmlinux-truncated.btf");
	CHECK_EQ_INT(copy_file(BTF_SYSFS_PATH, cut, 65536), 0);
	CHECK_EQ_INT(btf_find(cut, NULL, &r), -EINVAL);
	CHECK(!r.available);
	/* The header check alone sees the truncation too. */
	CHECK_EQ_INT(btf_header_check(cut, 65536), -EINVAL);
	unlink(full);
	unlink(cut);
}

static void test_btf_fact(void)
{
	struct fact f;

	memset(&r, 0, sizeof(r));
	r.available = true;
	btf_fact(&r, &f);
	CHECK_EQ_INT(f.state, FACT_YES);
	r.available = false;
	r.err = 0;
	btf_fact(&r, &f);
	CHECK_EQ_INT(f.state, FACT_NO);
	CHECK_EQ_INT(f.err, -ENOENT);
	r.err = -EINVAL;
	btf_fact(&r, &f);
	CHECK_EQ_INT(f.err, -EINVAL);
}

/* The probe step fills the probe's fact itself; a bad override fills nothing. */
static void test_probe_btf_fills_the_probe(void)
{
	static struct probe pr;
	char path[128];

	path_in(path, sizeof(path), "probe.btf");
	CHECK_EQ_INT(write_small_btf(path, 0), 0);
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ_INT(probe_btf(&pr, path, &r), 0);
	CHECK_EQ_INT(pr.btf_vmlinux.state, FACT_YES);
	memset(&pr, 0, sizeof(pr));
	path_in(path, sizeof(path), "no-such.btf");
	CHECK_EQ_INT(probe_btf(&pr, path, &r), -ENOENT);
	CHECK_EQ_INT(pr.btf_vmlinux.state, FACT_UNKNOWN);
}

static void cleanup(void)
{
	static const char *const names[] = {
		"garbage", "empty", "small.btf", "small-truncated.btf",
		"vmlinux.btf", "vmlinux-truncated.btf",
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_in(path, sizeof(path), names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/xdpc-btf-XXXXXX",
		 tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	libbpf_set_print(silent); /* the bad fixtures make libbpf complain */
	test_override_errors_are_distinct();
	test_small_raw_btf_is_valid_but_not_this_kernel();
	test_header_check();
	test_kernel_btf_copies();
	test_btf_fact();
	test_probe_btf_fills_the_probe();
	cleanup();
	CHECK_DONE();
}
