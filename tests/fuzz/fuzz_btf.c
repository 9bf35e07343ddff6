/* libFuzzer: --btf FILE, raw BTF or ELF, through btf_find (our checks, then
 * libelf and libbpf). The input is written to a memfd. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "btf/btf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct btf_report r;

	if (fd < 0) {
		fd = memfd_create("fuzz-btf", MFD_CLOEXEC);
		if (fd < 0)
			return 0;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	btf_find(path, "6.1.0", &r);
	return 0;
}
