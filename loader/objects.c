#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "loader/objects.h"
#include "objects_sha256.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* From loader/embed.S. */
extern const unsigned char xdpcount_obj_little[], xdpcount_obj_big[];
extern const uint32_t xdpcount_obj_little_size, xdpcount_obj_big_size;
extern const unsigned char xdpcount_disp2_little[], xdpcount_disp2_big[];
extern const unsigned char xdpcount_disp3_little[], xdpcount_disp3_big[];
extern const uint32_t xdpcount_disp_sizes[4]; /* 2 little, 2 big, 3 little, 3 big */

const struct embedded_object *embedded_object(int i)
{
	static struct embedded_object objs[EMBEDDED_OBJECTS];

	if (i < 0 || i >= EMBEDDED_OBJECTS)
		return NULL;
	if (!objs[0].data) {
		objs[0] = (struct embedded_object){ BYTE_ORDER_LITTLE, xdpcount_obj_little,
						    xdpcount_obj_little_size, XDPCOUNT_SHA256_LITTLE };
		objs[1] = (struct embedded_object){ BYTE_ORDER_BIG, xdpcount_obj_big,
						    xdpcount_obj_big_size, XDPCOUNT_SHA256_BIG };
	}
	return &objs[i];
}

static uint16_t read16(const unsigned char *p, enum byte_order order)
{
	return order == BYTE_ORDER_BIG ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

int object_check(const unsigned char *data, size_t size, enum byte_order want)
{
	unsigned char ei_data = want == BYTE_ORDER_BIG ? ELFDATA2MSB : ELFDATA2LSB;

	if (size < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	if (data[EI_CLASS] != ELFCLASS64 || data[EI_DATA] != ei_data)
		return -ENOEXEC;
	if (read16(data + offsetof(Elf64_Ehdr, e_type), want) != ET_REL ||
	    read16(data + offsetof(Elf64_Ehdr, e_machine), want) != EM_BPF)
		return -ENOEXEC;
	return 0;
}

int object_select(const struct embedded_object **out)
{
	enum byte_order host = host_byte_order();

	for (int i = 0; i < EMBEDDED_OBJECTS; i++) {
		const struct embedded_object *obj = embedded_object(i);

		if (obj->order == host && object_check(obj->data, obj->size, host) == 0) {
			*out = obj;
			return 0;
		}
	}
	return -ENOEXEC;
}

const struct embedded_dispatcher *embedded_dispatcher(int i)
{
	static struct embedded_dispatcher d[EMBEDDED_DISPATCHERS];

	if (i < 0 || i >= EMBEDDED_DISPATCHERS)
		return NULL;
	if (!d[0].version) {
		d[0] = (struct embedded_dispatcher){ 2, { BYTE_ORDER_LITTLE, xdpcount_disp2_little,
			xdpcount_disp_sizes[0], XDPCOUNT_SHA256_DISP2_LITTLE } };
		d[1] = (struct embedded_dispatcher){ 2, { BYTE_ORDER_BIG, xdpcount_disp2_big,
			xdpcount_disp_sizes[1], XDPCOUNT_SHA256_DISP2_BIG } };
		d[2] = (struct embedded_dispatcher){ 3, { BYTE_ORDER_LITTLE, xdpcount_disp3_little,
			xdpcount_disp_sizes[2], XDPCOUNT_SHA256_DISP3_LITTLE } };
		d[3] = (struct embedded_dispatcher){ 3, { BYTE_ORDER_BIG, xdpcount_disp3_big,
			xdpcount_disp_sizes[3], XDPCOUNT_SHA256_DISP3_BIG } };
	}
	return &d[i];
}

int object_dispatcher(unsigned int version, const unsigned char **data, size_t *size)
{
	enum byte_order host = host_byte_order();

	for (int i = 0; i < EMBEDDED_DISPATCHERS; i++) {
		const struct embedded_dispatcher *d = embedded_dispatcher(i);

		if (d->version != version || d->obj.order != host)
			continue;
		if (object_check(d->obj.data, d->obj.size, host))
			return -ENOEXEC;
		*data = d->obj.data;
		*size = d->obj.size;
		return 0;
	}
	return -ENOEXEC;
}
