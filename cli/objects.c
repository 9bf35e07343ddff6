/* xdpcount objects [--json] [--dump little|big]: the embedded object pair. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/errors.h"
#include "loader/objects.h"
#include "report/build_report.h"

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
	int err;

	if (o->dump)
		return dump(o->dump);
	object_select(&selected); /* none selected is reported, not fatal */
	err = objects_print(stdout, o->json, selected);
	if (err)
		return fail(STAGE_OBJECT, err, NULL, "cannot parse an embedded object (%s)", strerror(-err));
	return 0;
}
