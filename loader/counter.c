#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "btf/func.h"
#include "loader/counter.h"
#include "loader/image.h"
#include "probe/sys.h"

#define VERIFIER_LOG_SIZE (64 * 1024)

/* One loaded program: the one counting one interface, with its own .rodata
 * (the slot) and the shared stats map. */
struct instance {
	int ifindex;
	enum variant variant;
	int prog_fd, rodata_fd;
};

struct counter {
	const struct embedded_object *eobj;
	struct image img[VARIANT_COUNT]; /* by enum variant, parsed on first use */
	bool parsed[VARIANT_COUNT];
	int stats_fd;
	unsigned int ncpus;
	unsigned int n; /* instances, i.e. slots in use */
	unsigned int slots; /* the stats map's entries (counter_set_slots) */
	struct instance *inst; /* slots of them */
	/* The read loop's buffers, allocated once. */
	__u32 *keys;
	struct xdpcount_stats *values; /* slots x ncpus */
	struct xdpcount_stats *sums;
	bool no_batch;
	char *log;
	char log_tail[256];
};

int counter_open(const struct embedded_object *obj, struct counter **out)
{
	struct counter *c = calloc(1, sizeof(*c));
	int n = libbpf_num_possible_cpus();
	int err;

	if (!c)
		return -ENOMEM;
	c->eobj = obj;
	c->stats_fd = -1;
	if (n <= 0) {
		err = n < 0 ? n : -EINVAL;
		goto out;
	}
	c->ncpus = (unsigned int)n;
	c->log = calloc(1, VERIFIER_LOG_SIZE);
	err = counter_set_slots(c, XDPCOUNT_MAX_SLOTS);
	if (!c->log && !err)
		err = -ENOMEM;
	if (err)
		goto out;
	*out = c;
	return 0;
out:
	counter_close(c);
	return err;
}

int counter_set_slots(struct counter *c, unsigned int slots)
{
	struct instance *inst;
	__u32 *keys;
	struct xdpcount_stats *values, *sums;

	if (c->stats_fd >= 0 || c->n)
		return -EBUSY; /* the map is made: its size is set */
	if (!slots)
		return -EINVAL;
	/* calloc: the pages of slots never used are never touched */
	inst = calloc(slots, sizeof(*inst));
	keys = calloc(slots, sizeof(*keys));
	values = calloc((size_t)slots * c->ncpus, sizeof(*values));
	sums = calloc(slots, sizeof(*sums));
	if (!inst || !keys || !values || !sums) {
		free(inst), free(keys), free(values), free(sums);
		return -ENOMEM;
	}
	free(c->inst), free(c->keys), free(c->values), free(c->sums);
	c->inst = inst, c->keys = keys, c->values = values, c->sums = sums;
	c->slots = slots;
	return 0;
}

unsigned int counter_slots(const struct counter *c)
{
	return c->slots;
}

static void instance_close(struct instance *in)
{
	if (in->prog_fd >= 0)
		close(in->prog_fd);
	if (in->rodata_fd >= 0)
		close(in->rodata_fd);
	in->prog_fd = in->rodata_fd = -1;
}

void counter_close(struct counter *c)
{
	if (!c)
		return;
	for (unsigned int i = 0; i < c->n; i++)
		instance_close(&c->inst[i]);
	if (c->stats_fd >= 0)
		close(c->stats_fd);
	free(c->inst);
	free(c->keys);
	free(c->values);
	free(c->sums);
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

/* The hook a variant counts at: XDP (LINEAR and FRAGS alike), tc ingress,
 * tc egress. An interface has one instance per hook. */
enum hook { HOOK_XDP, HOOK_TC, HOOK_EGRESS };

static enum hook hook_of(enum variant v)
{
	return v == VARIANT_TC ? HOOK_TC : v == VARIANT_EGRESS ? HOOK_EGRESS : HOOK_XDP;
}

/* ifindex's instance at hook, NULL if none. */
static const struct instance *find(const struct counter *c, int ifindex, enum hook hook)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (c->inst[i].ifindex == ifindex && hook_of(c->inst[i].variant) == hook)
			return &c->inst[i];
	return NULL;
}

/* .rodata for one slot (5.2+: BPF_F_RDONLY_PROG, then frozen, so the
 * program cannot write it and the verifier may read it as a constant). */
static int rodata_create(const struct image *img, __u32 slot)
{
	unsigned char value[IMAGE_MAX_RODATA];
	__u32 key = 0;
	union bpf_attr a;
	int fd, err;

	fd = probe_sys_map_create(BPF_MAP_TYPE_ARRAY, "xdpcount_rodata", img->rodata_size, 1,
			BPF_F_RDONLY_PROG);
	if (fd < 0)
		return fd;
	memcpy(value, img->rodata, img->rodata_size);
	memcpy(value + img->slot_offset, &slot, sizeof(slot));
	memset(&a, 0, sizeof(a));
	a.map_fd = (__u32)fd;
	a.key = (__u64)(unsigned long)&key;
	a.value = (__u64)(unsigned long)value;
	err = probe_sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
	if (!err) {
		memset(&a, 0, sizeof(a));
		a.map_fd = (__u32)fd;
		err = probe_sys_bpf(BPF_MAP_FREEZE, &a);
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* Loads img with its ld_imm64 pointed at the stats map and at rodata_fd.
 * Quiet first; on a refusal, once more with a log for the verifier's words
 * (as libbpf does). */
static int prog_load(struct counter *c, const struct image *img, int rodata_fd,
		     int target_fd, __u32 target_btf_id)
{
	struct bpf_insn insns[IMAGE_MAX_INSNS];
	struct bpf_func_info fi = { .insn_off = 0, .type_id = BTF_XDP_FUNC_ID };
	struct btf_xdp_func btf;
	union bpf_attr a;
	int fd, btf_fd = -1;

	memcpy(insns, img->insns, img->n_insns * sizeof(insns[0]));
	for (unsigned int i = 0; i < img->n_relos; i++) {
		struct bpf_insn *in = &insns[img->relos[i].insn];

		in[0].src_reg = img->relos[i].rodata ? BPF_PSEUDO_MAP_VALUE : BPF_PSEUDO_MAP_FD;
		in[0].imm = img->relos[i].rodata ? rodata_fd : c->stats_fd;
		in[1].imm = img->relos[i].rodata ? (__s32)img->relos[i].offset : 0;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = img->tc ? BPF_PROG_TYPE_SCHED_CLS : BPF_PROG_TYPE_XDP;
	a.expected_attach_type = img->tc ? 0 : BPF_XDP;
	a.insns = (__u64)(unsigned long)insns;
	a.insn_cnt = img->n_insns;
	a.license = (__u64)(unsigned long)img->license;
	a.prog_flags = img->frags ? BPF_F_XDP_HAS_FRAGS : 0;
	probe_sys_name(a.prog_name, img->name);
	if (target_fd >= 0) {
		/* an extension (freplace) of a dispatcher slot: the kernel
		 * checks its function's BTF against the slot's */
		union bpf_attr b;

		memset(&b, 0, sizeof(b));
		b.btf_size = (__u32)btf_xdp_func(&btf, img->name);
		b.btf = (__u64)(unsigned long)&btf;
		btf_fd = probe_sys_bpf(BPF_BTF_LOAD, &b);
		if (btf_fd < 0)
			return btf_fd;
		a.prog_type = BPF_PROG_TYPE_EXT;
		a.expected_attach_type = 0;
		a.prog_flags = 0; /* frags is the dispatcher's flag */
		a.prog_btf_fd = (__u32)btf_fd;
		a.func_info_rec_size = sizeof(fi);
		a.func_info = (__u64)(unsigned long)&fi;
		a.func_info_cnt = 1;
		a.attach_prog_fd = (__u32)target_fd;
		a.attach_btf_id = target_btf_id;
	}
	fd = probe_sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0 || fd == -EPERM || fd == -EACCES || fd == -ENOSYS)
		goto out;
	a.log_level = 1;
	a.log_buf = (__u64)(unsigned long)c->log;
	a.log_size = VERIFIER_LOG_SIZE;
	c->log[0] = '\0';
	fd = probe_sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		keep_log_tail(c);
out:
	if (btf_fd >= 0)
		close(btf_fd);
	return fd;
}

static int add_instance(struct counter *c, int ifindex, enum variant variant, int target_fd,
			__u32 target_btf_id)
{
	struct instance *in;
	const struct image *img;
	unsigned int slot;
	int err;

	if ((unsigned int)variant >= VARIANT_COUNT)
		return -EINVAL;
	if (find(c, ifindex, hook_of(variant)))
		return 0;
	for (slot = 0; slot < c->n && c->inst[slot].ifindex; slot++)
		; /* the first slot an interface that went left, else a new one */
	if (slot >= c->slots)
		return -ENOSPC;
	c->log_tail[0] = '\0';
	if (!c->parsed[variant]) {
		err = image_parse(c->eobj, variant, &c->img[variant]);
		if (err)
			return err;
		c->parsed[variant] = true;
	}
	img = &c->img[variant];
	if (c->stats_fd < 0) {
		c->stats_fd = probe_sys_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, XDPCOUNT_MAP_STATS,
					 sizeof(struct xdpcount_stats), c->slots, 0);
		if (c->stats_fd < 0) {
			err = c->stats_fd;
			c->stats_fd = -1;
			return err;
		}
	}
	if (slot < c->n) {
		/* a slot used before counts from zero again: its totals are
		 * zeroed before its new program can add to them */
		memset(c->values, 0, (size_t)c->ncpus * sizeof(*c->values));
		if (bpf_map_update_elem(c->stats_fd, &slot, c->values, BPF_ANY))
			return -errno;
	}
	in = &c->inst[slot];
	in->ifindex = 0;
	in->variant = variant;
	in->prog_fd = -1;
	in->rodata_fd = rodata_create(img, slot);
	if (in->rodata_fd < 0) {
		err = in->rodata_fd;
		in->rodata_fd = -1;
		return err;
	}
	in->prog_fd = prog_load(c, img, in->rodata_fd, target_fd, target_btf_id);
	if (in->prog_fd < 0) {
		err = in->prog_fd;
		in->prog_fd = -1;
		instance_close(in);
		return err;
	}
	/* the program holds its .rodata: one fd less per interface */
	close(in->rodata_fd);
	in->rodata_fd = -1;
	in->ifindex = ifindex;
	c->keys[slot] = slot;
	c->sums[slot] = (struct xdpcount_stats){ 0, 0 };
	if (slot == c->n)
		c->n++;
	return 0;
}

int counter_add_iface(struct counter *c, int ifindex, enum variant variant)
{
	return add_instance(c, ifindex, variant, -1, 0);
}

void counter_del_iface(struct counter *c, int ifindex)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (c->inst[i].ifindex == ifindex) {
			instance_close(&c->inst[i]);
			c->inst[i].ifindex = 0; /* free for the next interface */
		}
}

int counter_add_slot(struct counter *c, int ifindex, int target_fd, uint32_t target_btf_id)
{
	return add_instance(c, ifindex, VARIANT_LINEAR, target_fd, target_btf_id);
}

static int hook_fd(const struct counter *c, int ifindex, enum hook hook)
{
	const struct instance *in = find(c, ifindex, hook);

	return in ? in->prog_fd : -ENOENT;
}

int counter_prog_fd(const struct counter *c, int ifindex)
{
	return hook_fd(c, ifindex, HOOK_XDP);
}

int counter_tc_prog_fd(const struct counter *c, int ifindex)
{
	return hook_fd(c, ifindex, HOOK_TC);
}

int counter_egress_prog_fd(const struct counter *c, int ifindex)
{
	return hook_fd(c, ifindex, HOOK_EGRESS);
}

const char *counter_prog_name(const struct counter *c, int ifindex)
{
	const struct instance *in = find(c, ifindex, HOOK_XDP);

	return in ? c->img[in->variant].name : NULL;
}

/* The kernel's view of the XDP instance on ifindex; zeroed when unknown. */
static void instance_info(const struct counter *c, int ifindex, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);
	int fd = counter_prog_fd(c, ifindex);

	memset(info, 0, sizeof(*info));
	if (fd < 0 || bpf_prog_get_info_by_fd(fd, info, &len))
		memset(info, 0, sizeof(*info));
}

unsigned int counter_insns(const struct counter *c, int ifindex)
{
	struct bpf_prog_info info;

	instance_info(c, ifindex, &info);
	return info.xlated_prog_len / sizeof(struct bpf_insn);
}

unsigned int counter_jited_len(const struct counter *c, int ifindex)
{
	struct bpf_prog_info info;

	instance_info(c, ifindex, &info);
	return info.jited_prog_len;
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

int counter_sum_dir(const struct counter *c, int ifindex, bool tx, struct xdpcount_stats *sum)
{
	bool found = false;

	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < c->n; i++) {
		if (c->inst[i].ifindex != ifindex ||
		    (hook_of(c->inst[i].variant) == HOOK_EGRESS) != tx)
			continue;
		found = true;
		sum->packets += c->sums[i].packets;
		sum->bytes += c->sums[i].bytes;
	}
	return found ? 0 : -ENOENT;
}

int counter_sum(const struct counter *c, int ifindex, struct xdpcount_stats *sum)
{
	return counter_sum_dir(c, ifindex, false, sum);
}

int counter_read(struct counter *c, int ifindex, struct xdpcount_stats *sum)
{
	bool tx = !find(c, ifindex, HOOK_XDP) && !find(c, ifindex, HOOK_TC);
	int err;

	if (tx && !find(c, ifindex, HOOK_EGRESS))
		return -ENOENT;
	err = counter_read_all(c);
	return err ? err : counter_sum_dir(c, ifindex, tx, sum);
}

bool counter_batch_missing(const struct counter *c)
{
	return c->no_batch;
}

static int test_run(int fd, unsigned int frame_len, uint32_t *retval)
{
	unsigned char frame[1514];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = frame_len, .repeat = 1);

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

int counter_test_run(struct counter *c, int ifindex, unsigned int frame_len, uint32_t *retval)
{
	return test_run(counter_prog_fd(c, ifindex), frame_len, retval);
}

int counter_tc_test_run(struct counter *c, int ifindex, unsigned int frame_len, uint32_t *retval)
{
	return test_run(counter_tc_prog_fd(c, ifindex), frame_len, retval);
}

static int open_object(const struct embedded_object *obj, struct bpf_object **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "xdpcount");
	struct bpf_object *o = bpf_object__open_mem(obj->data, obj->size, &opts);

	if (!o)
		return -errno ? -errno : -EINVAL;
	*out = o;
	return 0;
}

int object_names(const struct embedded_object *obj,
		 void (*fn)(void *ctx, const char *kind, const char *name), void *ctx)
{
	struct bpf_object *o;
	struct bpf_program *p;
	struct bpf_map *m;
	int err = open_object(obj, &o);

	if (err)
		return err;
	bpf_object__for_each_program(p, o)
		fn(ctx, "program", bpf_program__name(p));
	bpf_object__for_each_map(m, o)
		fn(ctx, "map", bpf_map__name(m));
	bpf_object__close(o);
	return 0;
}
