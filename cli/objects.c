/* xdpcount objects [--json] [--dump little|big]: the embedded object pair. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "loader/counter.h"
#include "loader/objects.h"
#include "report/identity.h"
#include "report/json.h"

struct names {
	const char *kind;
	struct json *j;
	bool first;
};

static void list_name(void *ctx, const char *kind, const char *name)
{
	struct names *n = ctx;

	if (strcmp(kind, n->kind))
		return;
	if (n->j) {
		json_string(n->j, name);
	} else {
		printf("%s%s", n->first ? "" : ", ", name);
		n->first = false;
	}
}

static int dump(const char *order)
{
	/* raw ELF bytes would garble a terminal and say nothing there */
	if (isatty(STDOUT_FILENO))
		return fail(STAGE_USAGE, -EINVAL, NULL,
			    "refusing to write the raw %s-endian ELF object to a terminal; pipe it "
			    "(xdpcount objects --dump %s | llvm-objdump -d -) or redirect it to a file",
			    order, order);
	for (int i = 0; i < EMBEDDED_OBJECTS; i++) {
		const struct embedded_object *obj = embedded_object(i);

		if (strcmp(byte_order_name(obj->order), order))
			continue;
		if (fwrite(obj->data, 1, obj->size, stdout) != obj->size)
			return fail(STAGE_OUTPUT, errno ? -errno : -EIO, NULL, NULL);
		return 0;
	}
	return fail(STAGE_USAGE, -EINVAL, NULL, "no %s-endian object", order);
}

int cmd_objects(const struct opts *o)
{
	const struct embedded_object *selected = NULL;
	struct json j;
	int err = 0;

	if (o->dump)
		return dump(o->dump);
	object_select(&selected); /* none selected is reported, not fatal */
	json_init(&j, stdout);
	if (o->json) {
		struct identity id;

		identity_get(&id);
		json_object_begin(&j);
		json_identity(&j, &id);
		json_key(&j, "objects");
		json_array_begin(&j);
	}
	for (int i = 0; i < EMBEDDED_OBJECTS && !err; i++) {
		const struct embedded_object *obj = embedded_object(i);
		const char *order = byte_order_name(obj->order);
		bool valid = object_check(obj->data, obj->size, obj->order) == 0;
		const char *kinds[2] = { "program", "map" };

		if (o->json) {
			json_object_begin(&j);
			json_kv_string(&j, "byte_order", order);
			json_kv_u64(&j, "size", obj->size);
			json_kv_string(&j, "sha256", obj->sha256);
			json_kv_bool(&j, "selected", obj == selected);
			json_kv_bool(&j, "elf_valid", valid);
		} else {
			printf("%s-endian object%s\n  size    %zu bytes\n  sha256  %s\n  ELF     %s\n",
			       order, obj == selected ? " (selected on this host)" : "", obj->size,
			       obj->sha256, valid ? "valid eBPF relocatable" : "INVALID");
		}
		for (int k = 0; k < 2 && !err; k++) {
			struct names n = { kinds[k], o->json ? &j : NULL, true };

			if (o->json) {
				json_key(&j, k == 0 ? "programs" : "maps");
				json_array_begin(&j);
			} else {
				printf("  %-7s ", k == 0 ? "programs" : "maps");
			}
			err = object_names(obj, list_name, &n);
			if (o->json)
				json_array_end(&j);
			else
				putchar('\n');
		}
		if (o->json)
			json_object_end(&j);
	}
	if (o->json) {
		json_array_end(&j);
		json_object_end(&j);
		json_line_end(&j);
	}
	if (err)
		return fail(STAGE_OBJECT, err, NULL, "cannot parse an embedded object (%s)", strerror(-err));
	return 0;
}
