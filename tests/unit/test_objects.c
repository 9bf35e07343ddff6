/* Object selection: both byte orders are embedded, the host's is chosen,
 * and the ELF header is checked. No kernel needed. */
#include <errno.h>
#include <string.h>

#include "loader/counter.h"
#include "loader/objects.h"
#include "tests/unit/check.h"

struct seen {
	int programs, maps;
	int has_legacy, has_frags, has_tc, has_stats;
};

static void collect(void *ctx, const char *kind, const char *name)
{
	struct seen *s = ctx;

	if (!strcmp(kind, "program")) {
		s->programs++;
		s->has_legacy |= !strcmp(name, XDPCOUNT_PROG_LEGACY);
		s->has_frags |= !strcmp(name, XDPCOUNT_PROG_FRAGS);
		s->has_tc |= !strcmp(name, XDPCOUNT_PROG_TC);
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
		CHECK_EQ_INT(s.programs, 3);
		CHECK(s.has_legacy && s.has_frags && s.has_tc && s.has_stats);
		CHECK_EQ_INT(s.maps, 2);
	}
	CHECK_EQ_INT(embedded_object(0)->order, BYTE_ORDER_LITTLE);
	CHECK_EQ_INT(embedded_object(1)->order, BYTE_ORDER_BIG);
	CHECK(embedded_object(2) == NULL);
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

int main(void)
{
	test_both_byte_orders_are_embedded_and_valid();
	test_the_host_byte_order_is_selected();
	test_bad_headers_are_refused();
	CHECK_DONE();
}
