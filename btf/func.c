#include <stddef.h>
#include <string.h>

#include "btf/func.h"

size_t btf_xdp_func(struct btf_xdp_func *b, const char *name)
{
	static const char fixed[] = "\0xdp_md\0ctx\0int"; /* offsets 1, 8, 12 */
	size_t n = strnlen(name, BTF_XDP_FUNC_NAME_MAX - 1), str_len;

	memset(b, 0, sizeof(*b));
	memcpy(b->strs, fixed, sizeof(fixed));
	memcpy(b->strs + sizeof(fixed), name, n);
	str_len = sizeof(fixed) + n + 1;
	b->h.magic = BTF_MAGIC;
	b->h.version = BTF_VERSION;
	b->h.hdr_len = sizeof(b->h);
	b->h.type_off = 0;
	b->h.type_len = offsetof(struct btf_xdp_func, strs) - sizeof(b->h);
	b->h.str_off = b->h.type_len;
	b->h.str_len = (__u32)str_len;
	b->md.name_off = 1;
	b->md.info = BTF_KIND_STRUCT << 24;
	b->md.size = 24;
	b->ptr.info = BTF_KIND_PTR << 24;
	b->ptr.type = 1;
	b->i.name_off = 12;
	b->i.info = BTF_KIND_INT << 24;
	b->i.size = 4;
	b->int_bits = (BTF_INT_SIGNED << 24) | 32;
	b->proto.info = (BTF_KIND_FUNC_PROTO << 24) | 1;
	b->proto.type = 3;
	b->arg.name_off = 8;
	b->arg.type = 2;
	b->func.name_off = (__u32)sizeof(fixed);
	b->func.info = (BTF_KIND_FUNC << 24) | BTF_FUNC_GLOBAL;
	b->func.type = 4;
	return offsetof(struct btf_xdp_func, strs) + str_len;
}
