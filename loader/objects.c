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

int object_dispatcher(unsigned int version, const unsigned char **data, size_t *size)
{
	const unsigned char *objs[4] = { xdpcount_disp2_little, xdpcount_disp2_big,
					 xdpcount_disp3_little, xdpcount_disp3_big };
	enum byte_order host = host_byte_order();
	int i;

	if (version != 2 && version != 3)
		return -ENOEXEC;
	i = (int)(version - 2) * 2 + (host == BYTE_ORDER_BIG);
	if (object_check(objs[i], xdpcount_disp_sizes[i], host))
		return -ENOEXEC;
	*data = objs[i];
	*size = xdpcount_disp_sizes[i];
	return 0;
}
