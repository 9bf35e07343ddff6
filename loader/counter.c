#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader/counter.h"

#define VERIFIER_LOG_SIZE (64 * 1024)

struct counter {
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_program *tc; /* the tc program, when counter_enable_tc() asked */
	int stats_fd, slots_fd;
	unsigned int ncpus;
	unsigned int n_slots;
	char *log;
	char log_tail[256];
};

static const char *variant_prog(enum variant v)
{
	return v == VARIANT_FRAGS ? XDPCOUNT_PROG_FRAGS : XDPCOUNT_PROG_LEGACY;
}

static int open_object(const struct embedded_object *obj, const char *btf_path,
		       char *log, struct bpf_object **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "xdpcount",
		    .btf_custom_path = btf_path, .kernel_log_buf = log,
		    .kernel_log_size = log ? VERIFIER_LOG_SIZE : 0,
		    .kernel_log_level = 0); /* libbpf retries with a log on failure */
	struct bpf_object *o = bpf_object__open_mem(obj->data, obj->size, &opts);

	if (!o)
		return -errno ? -errno : -EINVAL;
	*out = o;
	return 0;
}

int counter_open(const struct embedded_object *obj, enum variant variant,
		 const char *btf_path, struct counter **out)
{
	struct counter *c = calloc(1, sizeof(*c));
	struct bpf_program *p;
	int err;

	if (!c)
		return -ENOMEM;
	c->stats_fd = c->slots_fd = -1;
	c->log = calloc(1, VERIFIER_LOG_SIZE);
	if (!c->log) {
		err = -ENOMEM;
		goto out;
	}
	err = open_object(obj, btf_path, c->log, &c->obj);
	if (err)
		goto out;
	bpf_object__for_each_program(p, c->obj) {
		bool want = strcmp(bpf_program__name(p), variant_prog(variant)) == 0;

		bpf_program__set_autoload(p, want);
		if (want)
			c->prog = p;
	}
	if (!c->prog) {
		err = -ENOENT;
		goto out;
	}
	*out = c;
	return 0;
out:
	counter_close(c);
	return err;
}

/* The verifier's explanation is its last non-empty line. */
static void keep_log_tail(struct counter *c)
{
	char *end = c->log + strnlen(c->log, VERIFIER_LOG_SIZE);
	char *line;

	while (end > c->log && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	line = strrchr(c->log, '\n');
	line = line ? line + 1 : c->log;
	snprintf(c->log_tail, sizeof(c->log_tail), "%s", line);
}

int counter_load(struct counter *c)
{
	int err;
	int n = libbpf_num_possible_cpus();

	if (n <= 0)
		return n < 0 ? n : -EINVAL;
	c->ncpus = (unsigned int)n;
	err = bpf_object__load(c->obj);
	if (err) {
		keep_log_tail(c);
		return err;
	}
	c->stats_fd = bpf_object__find_map_fd_by_name(c->obj, XDPCOUNT_MAP_STATS);
	c->slots_fd = bpf_object__find_map_fd_by_name(c->obj, XDPCOUNT_MAP_SLOTS);
	if (c->stats_fd < 0 || c->slots_fd < 0)
		return -ENOENT;
	return 0;
}

void counter_close(struct counter *c)
{
	if (!c)
		return;
	bpf_object__close(c->obj);
	free(c->log);
	free(c);
}

int counter_enable_tc(struct counter *c)
{
	struct bpf_program *p = bpf_object__find_program_by_name(c->obj, XDPCOUNT_PROG_TC);

	if (!p)
		return -ENOENT;
	bpf_program__set_autoload(p, true);
	c->tc = p;
	return 0;
}

int counter_tc_prog_fd(const struct counter *c)
{
	return c->tc ? bpf_program__fd(c->tc) : -ENOENT;
}

int counter_tc_test_run(struct counter *c, unsigned int frame_len, uint32_t *retval)
{
	unsigned char frame[1514];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = frame_len, .repeat = 1);

	if (!c->tc)
		return -ENOENT;
	if (frame_len < 14 || frame_len > sizeof(frame))
		return -EINVAL;
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);
	frame[6] = 0x02;
	frame[12] = 0x88, frame[13] = 0xb5;
	if (bpf_prog_test_run_opts(bpf_program__fd(c->tc), &opts))
		return -errno;
	*retval = opts.retval;
	return 0;
}

int counter_prog_fd(const struct counter *c)
{
	return bpf_program__fd(c->prog);
}

const char *counter_prog_name(const struct counter *c)
{
	return bpf_program__name(c->prog);
}

unsigned int counter_insns(const struct counter *c)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(counter_prog_fd(c), &info, &len))
		return 0;
	return info.xlated_prog_len / sizeof(struct bpf_insn);
}

const char *counter_verifier_log(const struct counter *c)
{
	return c->log_tail;
}

int counter_add_iface(struct counter *c, int ifindex)
{
	__u32 key = (__u32)ifindex, slot;

	if (bpf_map_lookup_elem(c->slots_fd, &key, &slot) == 0)
		return 0;
	if (c->n_slots >= XDPCOUNT_MAX_SLOTS)
		return -ENOSPC;
	slot = c->n_slots;
	if (bpf_map_update_elem(c->slots_fd, &key, &slot, BPF_NOEXIST))
		return -errno;
	c->n_slots++;
	return 0;
}

int counter_read(const struct counter *c, int ifindex, struct xdpcount_stats *sum)
{
	__u32 key = (__u32)ifindex, slot;
	struct xdpcount_stats *per_cpu;
	int err = 0;

	if (bpf_map_lookup_elem(c->slots_fd, &key, &slot))
		return -errno;
	per_cpu = calloc(c->ncpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(c->stats_fd, &slot, per_cpu)) {
		err = -errno;
		goto out;
	}
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < c->ncpus; i++) {
		sum->packets += per_cpu[i].packets;
		sum->bytes += per_cpu[i].bytes;
	}
out:
	free(per_cpu);
	return err;
}

int counter_test_run(struct counter *c, unsigned int frame_len, uint32_t *retval)
{
	unsigned char frame[1514];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = frame_len, .repeat = 1);

	if (frame_len < 14 || frame_len > sizeof(frame))
		return -EINVAL;
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);          /* broadcast destination */
	frame[6] = 0x02;                 /* locally administered source */
	frame[12] = 0x88, frame[13] = 0xb5; /* IEEE local experimental ethertype */
	if (bpf_prog_test_run_opts(counter_prog_fd(c), &opts))
		return -errno;
	*retval = opts.retval;
	return 0;
}

int object_names(const struct embedded_object *obj,
		 void (*fn)(void *ctx, const char *kind, const char *name), void *ctx)
{
	struct bpf_object *o;
	struct bpf_program *p;
	struct bpf_map *m;
	int err = open_object(obj, NULL, NULL, &o);

	if (err)
		return err;
	bpf_object__for_each_program(p, o)
		fn(ctx, "program", bpf_program__name(p));
	bpf_object__for_each_map(m, o)
		fn(ctx, "map", bpf_map__name(m));
	bpf_object__close(o);
	return 0;
}
