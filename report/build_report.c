/* The build's own report (report/build_report.h). */
#include <bpf/libbpf.h>
#include <string.h>

#include "loader/counter.h"
#include "loader/objects.h"
#include "report/build_report.h"
#include "report/identity.h"
#include "report/json.h"

static void version_json(FILE *f)
{
	struct identity id;
	struct json j;

	identity_get(&id);
	json_init(&j, f);
	json_object_begin(&j);
	json_identity(&j, &id);
	json_kv_string(&j, "arch", XDPCOUNT_ARCH);
	json_kv_string(&j, "libbpf", libbpf_version_string());
	json_key(&j, "objects");
	json_array_begin(&j);
	for (int i = 0; i < EMBEDDED_OBJECTS; i++) {
		const struct embedded_object *obj = embedded_object(i);

		json_object_begin(&j);
		json_kv_string(&j, "byte_order", byte_order_name(obj->order));
		json_kv_u64(&j, "size", obj->size);
		json_kv_string(&j, "sha256", obj->sha256);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "dispatchers");
	json_array_begin(&j);
	for (int i = 0; i < EMBEDDED_DISPATCHERS; i++) {
		const struct embedded_dispatcher *d = embedded_dispatcher(i);

		json_object_begin(&j);
		json_kv_u64(&j, "version", d->version);
		json_kv_string(&j, "byte_order", byte_order_name(d->obj.order));
		json_kv_u64(&j, "size", d->obj.size);
		json_kv_string(&j, "sha256", d->obj.sha256);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_line_end(&j);
}

void version_print(FILE *f, bool json)
{
	if (json) {
		version_json(f);
		return;
	}
	fprintf(f, "xdpcount %s (%s, libbpf %s)\n", xdpcount_version, XDPCOUNT_ARCH,
	       libbpf_version_string());
	for (int i = 0; i < EMBEDDED_OBJECTS; i++) {
		const struct embedded_object *obj = embedded_object(i);

		fprintf(f, "  bpf object %-6s %zu bytes sha256 %s\n", byte_order_name(obj->order),
			obj->size, obj->sha256);
	}
	for (int i = 0; i < EMBEDDED_DISPATCHERS; i++) {
		const struct embedded_dispatcher *d = embedded_dispatcher(i);

		fprintf(f, "  dispatcher v%u %-6s %zu bytes sha256 %s\n", d->version,
			byte_order_name(d->obj.order), d->obj.size, d->obj.sha256);
	}
}

struct names {
	const char *kind;
	FILE *f;
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
		fprintf(n->f, "%s%s", n->first ? "" : ", ", name);
		n->first = false;
	}
}

/* One object's block: size, sha256, selected, ELF validity, programs and
 * maps; version 0 for the counter's, a dispatcher's protocol version else. */
static int object_print(FILE *f, struct json *j, const struct embedded_object *obj,
			unsigned int version, bool selected)
{
	const char *order = byte_order_name(obj->order);
	bool valid = object_check(obj->data, obj->size, obj->order) == 0;
	const char *kinds[2] = { "program", "map" };
	int err = 0;

	if (j) {
		json_object_begin(j);
		if (version)
			json_kv_u64(j, "version", version);
		json_kv_string(j, "byte_order", order);
		json_kv_u64(j, "size", obj->size);
		json_kv_string(j, "sha256", obj->sha256);
		json_kv_bool(j, "selected", selected);
		json_kv_bool(j, "elf_valid", valid);
	} else {
		if (version)
			fprintf(f, "libxdp dispatcher version %u, ", version);
		fprintf(f, "%s-endian object%s\n  size    %zu bytes\n  sha256  %s\n  ELF     %s\n",
			order, selected ? " (selected on this host)" : "", obj->size,
			obj->sha256, valid ? "valid eBPF relocatable" : "INVALID");
	}
	for (int k = 0; k < 2 && !err; k++) {
		struct names n = { kinds[k], f, j, true };

		if (j) {
			json_key(j, k == 0 ? "programs" : "maps");
			json_array_begin(j);
		} else {
			fprintf(f, "  %-7s ", k == 0 ? "programs" : "maps");
		}
		err = object_names(obj, list_name, &n);
		if (j)
			json_array_end(j);
		else
			fputc('\n', f);
	}
	if (j)
		json_object_end(j);
	return err;
}

int objects_print(FILE *f, bool json, const struct embedded_object *selected)
{
	struct json j;
	int err = 0;

	json_init(&j, f);
	if (json) {
		struct identity id;

		identity_get(&id);
		json_object_begin(&j);
		json_identity(&j, &id);
		json_key(&j, "objects");
		json_array_begin(&j);
	}
	for (int i = 0; i < EMBEDDED_OBJECTS && !err; i++) {
		const struct embedded_object *obj = embedded_object(i);

		err = object_print(f, json ? &j : NULL, obj, 0, obj == selected);
	}
	if (json) {
		json_array_end(&j);
		json_key(&j, "dispatchers");
		json_array_begin(&j);
	}
	/* the dispatchers, selected as the counter is: this host's byte order */
	for (int i = 0; i < EMBEDDED_DISPATCHERS && !err; i++) {
		const struct embedded_dispatcher *d = embedded_dispatcher(i);

		err = object_print(f, json ? &j : NULL, &d->obj, d->version,
				   selected && d->obj.order == selected->order);
	}
	if (json) {
		json_array_end(&j);
		json_object_end(&j);
		json_line_end(&j);
	}
	return err;
}
