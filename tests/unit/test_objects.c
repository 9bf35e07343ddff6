/* Object selection: both byte orders are embedded, the host's is chosen,
 * and the ELF header is checked. No kernel needed. */
#include <errno.h>
#include <string.h>

#include "loader/counter.h"
#include "loader/image.h"
#include "loader/objects.h"
#include "tests/unit/check.h"

struct seen {
	int programs, maps;
	int has_linear, has_frags, has_tc, has_egress, has_stats;
};

static void collect(void *ctx, const char *kind, const char *name)
{
	struct seen *s = ctx;

	if (!strcmp(kind, "program")) {
		s->programs++;
		s->has_linear |= !strcmp(name, XDPCOUNT_PROG_LINEAR);
		s->has_frags |= !strcmp(name, XDPCOUNT_PROG_FRAGS);
		s->has_tc |= !strcmp(name, XDPCOUNT_PROG_TC);
		s->has_egress |= !strcmp(name, XDPCOUNT_PROG_EGRESS);
	} else {
		s->maps++;
		s->has_stats |= !strcmp(name, XDPCOUNT_MAP_STATS);
	}
}

static void test_both_byte_orders_are_embedded_and_valid(void)
{
	for (int i = 0; i < EMBEDDED_OBJECTS; i++) {
		const struct embedded_object *o = embedded_object(i);
		struct seen s = { 0 };

		CHECK(o->size > 64);
		CHECK_EQ_INT(strlen(o->sha256), 64);
		CHECK_EQ_INT(object_check(o->data, o->size, o->order), 0);
		/* the other byte order must be refused */
		CHECK_EQ_INT(object_check(o->data, o->size, !o->order), -ENOEXEC);
		CHECK_EQ_INT(object_names(o, collect, &s), 0);
		CHECK_EQ_INT(s.programs, 4);
		CHECK(s.has_linear && s.has_frags && s.has_tc && s.has_egress && s.has_stats);
		CHECK_EQ_INT(s.maps, 2);
	}
	CHECK_EQ_INT(embedded_object(0)->order, BYTE_ORDER_LITTLE);
	CHECK_EQ_INT(embedded_object(1)->order, BYTE_ORDER_BIG);
	CHECK(embedded_object(2) == NULL);
}

/* libxdp's dispatcher of versions 2 and 3, both byte orders, each a valid
 * object with one program, xdp_dispatcher, and its own sha256; the host's
 * is the one loaded. */
static void test_dispatchers_are_embedded_and_valid(void)
{
	const unsigned char *data = NULL;
	size_t size = 0;

	for (int i = 0; i < EMBEDDED_DISPATCHERS; i++) {
		const struct embedded_dispatcher *d = embedded_dispatcher(i);
		struct seen s = { 0 };

		CHECK_EQ_INT(d->version, 2 + i / 2);
		CHECK_EQ_INT(d->obj.order, i % 2 ? BYTE_ORDER_BIG : BYTE_ORDER_LITTLE);
		CHECK(d->obj.size > 64);
		CHECK_EQ_INT(strlen(d->obj.sha256), 64);
		CHECK_EQ_INT(object_check(d->obj.data, d->obj.size, d->obj.order), 0);
		CHECK_EQ_INT(object_names(&d->obj, collect, &s), 0);
		CHECK_EQ_INT(s.programs, 1);
		for (int k = 0; k < i; k++)
			CHECK(strcmp(embedded_dispatcher(k)->obj.sha256, d->obj.sha256) != 0);
		CHECK(strcmp(embedded_object(0)->sha256, d->obj.sha256) != 0);
		if (d->obj.order == host_byte_order()) {
			CHECK_EQ_INT(object_dispatcher(d->version, &data, &size), 0);
			CHECK(data == d->obj.data && size == d->obj.size);
		}
	}
	CHECK(embedded_dispatcher(EMBEDDED_DISPATCHERS) == NULL);
	CHECK_EQ_INT(object_dispatcher(9, &data, &size), -ENOEXEC);
}

static void test_the_host_byte_order_is_selected(void)
{
	const struct embedded_object *sel = NULL;
	const unsigned short probe = 0x0102;
	enum byte_order host = *(const unsigned char *)&probe == 0x01 ? BYTE_ORDER_BIG : BYTE_ORDER_LITTLE;

	CHECK_EQ_INT(host_byte_order(), host);
	CHECK_EQ_INT(object_select(&sel), 0);
	CHECK(sel && sel->order == host);
}

static void test_bad_headers_are_refused(void)
{
	const struct embedded_object *o = embedded_object(host_byte_order());
	unsigned char copy[128];

	memcpy(copy, o->data, sizeof(copy));
	CHECK_EQ_INT(object_check(copy, 10, o->order), -ENOEXEC); /* truncated */
	copy[1] = 'X';                                            /* not ELF */
	CHECK_EQ_INT(object_check(copy, sizeof(copy), o->order), -ENOEXEC);
	memcpy(copy, o->data, sizeof(copy));
	copy[18] ^= 0xff; /* e_machine no longer EM_BPF */
	copy[19] ^= 0xff;
	CHECK_EQ_INT(object_check(copy, sizeof(copy), o->order), -ENOEXEC);
}

/* Both objects, both variants: the program comes out of the ELF with
 * exactly two places to patch (the slot in .rodata, the stats map), the
 * slot's offset and the license; frags only for the frags variant. */
static void test_images_of_both_objects_and_variants(void)
{
	static struct image img;

	for (int i = 0; i < EMBEDDED_OBJECTS; i++) {
		for (int v = VARIANT_LINEAR; v < VARIANT_COUNT; v++) {
			unsigned int rodata = 0, stats = 0;

			CHECK_EQ_INT(image_parse(embedded_object(i), (enum variant)v, &img), 0);
			CHECK_EQ_STR(img.name, v == VARIANT_FRAGS ? XDPCOUNT_PROG_FRAGS :
				     v == VARIANT_TC ? XDPCOUNT_PROG_TC :
				     v == VARIANT_EGRESS ? XDPCOUNT_PROG_EGRESS : XDPCOUNT_PROG_LINEAR);
			CHECK(img.frags == (v == VARIANT_FRAGS));
			CHECK(img.tc == (v == VARIANT_TC || v == VARIANT_EGRESS));
			CHECK(img.n_insns > 4 && img.n_insns < 64);
			CHECK_EQ_STR(img.license, "Dual BSD/GPL");
			CHECK_EQ_INT(img.rodata_size, 4);
			CHECK_EQ_INT(img.slot_offset, 0);
			for (unsigned int k = 0; k < img.n_relos; k++) {
				rodata += img.relos[k].rodata;
				stats += !img.relos[k].rodata;
				CHECK_EQ_INT(img.insns[img.relos[k].insn].code, BPF_LD | BPF_IMM | BPF_DW);
			}
			CHECK_EQ_INT(rodata, 1);
			CHECK_EQ_INT(stats, 1);
		}
	}
}

/* Anything but the object bpf/counter.bpf.c builds is refused. */
static void test_image_of_a_damaged_object_is_refused(void)
{
	static unsigned char copy[64 * 1024];
	static struct image img;
	const struct embedded_object *o = embedded_object(host_byte_order());
	struct embedded_object bad = *o;

	CHECK(o->size <= sizeof(copy));
	memcpy(copy, o->data, o->size);
	bad.data = copy;
	bad.size = 100; /* truncated */
	CHECK_EQ_INT(image_parse(&bad, VARIANT_LINEAR, &img), -ENOEXEC);
}

int main(void)
{
	test_images_of_both_objects_and_variants();
	test_image_of_a_damaged_object_is_refused();
	test_both_byte_orders_are_embedded_and_valid();
	test_dispatchers_are_embedded_and_valid();
	test_the_host_byte_order_is_selected();
	test_bad_headers_are_refused();
	CHECK_DONE();
}
