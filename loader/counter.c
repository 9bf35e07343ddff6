#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader/counter.h"

#define VERIFIER_LOG_SIZE (64 * 1024)
/* libbpf's name for the object's read-only global data. */
#define RODATA_MAP ".rodata"

/* One loaded copy of the object: the program counting one interface. */
struct instance {
	int ifindex;
	struct bpf_object *obj;
	struct bpf_program *prog;
};

struct counter {
	const struct embedded_object *eobj;
	const char *btf_path;
	int stats_fd; /* the first instance's map; the others reuse it */
	unsigned int ncpus;
	unsigned int n; /* instances, i.e. slots in use */
	struct instance inst[XDPCOUNT_MAX_SLOTS];
	/* The read loop's buffers, allocated once. */
	__u32 keys[XDPCOUNT_MAX_SLOTS];
	struct xdpcount_stats *values; /* XDPCOUNT_MAX_SLOTS x ncpus */
	struct xdpcount_stats sums[XDPCOUNT_MAX_SLOTS];
	bool no_batch;
	char *log;
	char log_tail[256];
};

static const char *variant_prog(enum variant v)
{
	return v == VARIANT_FRAGS ? XDPCOUNT_PROG_FRAGS : XDPCOUNT_PROG_LINEAR;
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

int counter_open(const struct embedded_object *obj, const char *btf_path,
		 struct counter **out)
{
	struct counter *c = calloc(1, sizeof(*c));
	int n = libbpf_num_possible_cpus();
	int err;

	if (!c)
		return -ENOMEM;
	c->eobj = obj;
	c->btf_path = btf_path;
	c->stats_fd = -1;
	if (n <= 0) {
		err = n < 0 ? n : -EINVAL;
		goto out;
	}
	c->ncpus = (unsigned int)n;
	c->values = calloc((size_t)XDPCOUNT_MAX_SLOTS * c->ncpus, sizeof(*c->values));
	c->log = calloc(1, VERIFIER_LOG_SIZE);
	if (!c->values || !c->log) {
		err = -ENOMEM;
		goto out;
	}
	*out = c;
	return 0;
out:
	counter_close(c);
	return err;
}

void counter_close(struct counter *c)
{
	if (!c)
		return;
	for (unsigned int i = c->n; i-- > 0;)
		bpf_object__close(c->inst[i].obj);
	free(c->values);
	free(c->log);
	free(c);
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

static const struct instance *find(const struct counter *c, int ifindex)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (c->inst[i].ifindex == ifindex)
			return &c->inst[i];
	return NULL;
}

/* Opens a copy of the object with only the variant's program, slot in
 * .rodata, and the shared stats map when there is one already. */
static int prepare(struct counter *c, struct bpf_object *o, __u32 slot, enum variant variant,
		   struct bpf_program **prog)
{
	struct bpf_map *rodata = bpf_object__find_map_by_name(o, RODATA_MAP);
	struct bpf_map *stats = bpf_object__find_map_by_name(o, XDPCOUNT_MAP_STATS);
	struct bpf_program *p;
	int err;

	*prog = NULL;
	if (!rodata || !stats)
		return -ENOENT;
	bpf_object__for_each_program(p, o) {
		bool want = strcmp(bpf_program__name(p), variant_prog(variant)) == 0;

		bpf_program__set_autoload(p, want);
		if (want)
			*prog = p;
	}
	if (!*prog)
		return -ENOENT;
	err = bpf_map__set_initial_value(rodata, &slot, sizeof(slot));
	if (!err && c->stats_fd >= 0)
		err = bpf_map__reuse_fd(stats, c->stats_fd);
	return err;
}

int counter_add_iface(struct counter *c, int ifindex, enum variant variant)
{
	struct instance *in;
	int err;

	if (find(c, ifindex))
		return 0;
	if (c->n >= XDPCOUNT_MAX_SLOTS)
		return -ENOSPC;
	in = &c->inst[c->n];
	memset(in, 0, sizeof(*in));
	c->log[0] = '\0';
	c->log_tail[0] = '\0';
	err = open_object(c->eobj, c->btf_path, c->log, &in->obj);
	if (err)
		return err;
	err = prepare(c, in->obj, c->n, variant, &in->prog);
	if (!err) {
		err = bpf_object__load(in->obj);
		if (err)
			keep_log_tail(c);
	}
	if (!err && c->stats_fd < 0) {
		c->stats_fd = bpf_object__find_map_fd_by_name(in->obj, XDPCOUNT_MAP_STATS);
		if (c->stats_fd < 0)
			err = -ENOENT;
	}
	if (err) {
		bpf_object__close(in->obj);
		memset(in, 0, sizeof(*in));
		return err;
	}
	in->ifindex = ifindex;
	c->keys[c->n] = c->n;
	c->n++;
	return 0;
}

int counter_prog_fd(const struct counter *c, int ifindex)
{
	const struct instance *in = find(c, ifindex);

	return in ? bpf_program__fd(in->prog) : -ENOENT;
}

const char *counter_prog_name(const struct counter *c, int ifindex)
{
	const struct instance *in = find(c, ifindex);

	return in ? bpf_program__name(in->prog) : NULL;
}

unsigned int counter_insns(const struct counter *c, int ifindex)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = counter_prog_fd(c, ifindex);

	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_prog_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.xlated_prog_len / sizeof(struct bpf_insn);
}

const char *counter_verifier_log(const struct counter *c)
{
	return c->log_tail;
}

/* Kernels before 5.6 have no BPF_MAP_LOOKUP_BATCH: EINVAL (unknown
 * command), or ENOTSUPP/EOPNOTSUPP from a map type without batch ops. */
static bool batch_missing(int err)
{
	return err == EINVAL || err == 524 /* ENOTSUPP */ || err == EOPNOTSUPP;
}

static int lookup_all(struct counter *c)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 count = c->n, out_batch;

	if (!c->no_batch) {
		if (bpf_map_lookup_batch(c->stats_fd, NULL, &out_batch, c->keys, c->values,
					 &count, &opts) == 0 || (errno == ENOENT && count == c->n))
			return count == c->n ? 0 : -EIO;
		if (!batch_missing(errno))
			return -errno;
		c->no_batch = true;
	}
	for (unsigned int i = 0; i < c->n; i++)
		if (bpf_map_lookup_elem(c->stats_fd, &c->keys[i], c->values + (size_t)i * c->ncpus))
			return -errno;
	return 0;
}

int counter_read_all(struct counter *c)
{
	int err;

	if (!c->n)
		return 0;
	err = lookup_all(c);
	if (err)
		return err;
	for (unsigned int i = 0; i < c->n; i++) {
		const struct xdpcount_stats *v = c->values + (size_t)i * c->ncpus;
		struct xdpcount_stats s = { 0, 0 };

		for (unsigned int k = 0; k < c->ncpus; k++) {
			s.packets += v[k].packets;
			s.bytes += v[k].bytes;
		}
		c->sums[i] = s;
	}
	return 0;
}

int counter_sum(const struct counter *c, int ifindex, struct xdpcount_stats *sum)
{
	const struct instance *in = find(c, ifindex);

	if (!in)
		return -ENOENT;
	*sum = c->sums[in - c->inst];
	return 0;
}

int counter_read(struct counter *c, int ifindex, struct xdpcount_stats *sum)
{
	int err;

	if (!find(c, ifindex))
		return -ENOENT;
	err = counter_read_all(c);
	return err ? err : counter_sum(c, ifindex, sum);
}

bool counter_batch_missing(const struct counter *c)
{
	return c->no_batch;
}

int counter_test_run(struct counter *c, int ifindex, unsigned int frame_len, uint32_t *retval)
{
	unsigned char frame[1514];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = frame_len, .repeat = 1);
	int fd = counter_prog_fd(c, ifindex);

	if (fd < 0)
		return fd;
	if (frame_len < 14 || frame_len > sizeof(frame))
		return -EINVAL;
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);          /* broadcast destination */
	frame[6] = 0x02;                 /* locally administered source */
	frame[12] = 0x88, frame[13] = 0xb5; /* IEEE local experimental ethertype */
	if (bpf_prog_test_run_opts(fd, &opts))
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
