#include <string.h>
#include <time.h>

#include "plan/plan.h"
#include "report/fmt.h"
#include "report/json.h"
#include "report/status_report.h"

/* "XDP_PASS,XDP_DROP": the chain actions of a slot (bit n: action n). */
static const char *actions_name(uint32_t actions, char *buf, size_t len)
{
	static const char *const names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					     "XDP_REDIRECT" };
	size_t l = 0;

	buf[0] = '\0';
	for (unsigned int a = 0; a < 5 && l < len; a++)
		if (actions & (1U << a))
			l += (size_t)snprintf(buf + l, len - l, "%s%s", l ? "," : "", names[a]);
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

/* "link", "netlink"; at tc "tcx", "clsact". */
static const char *attach_name(const struct status_prog *p)
{
	return plan_attach_name(p->mode >= STATUS_TC ? XDP_MODE_TC : XDP_MODE_NATIVE,
				p->link ? ATTACH_LINK : ATTACH_NETLINK);
}

void status_print_json(FILE *f, const struct identity *id, const struct status_iface *ifs,
		       unsigned int n)
{
	struct json j;

	json_init(&j, f);
	json_object_begin(&j);
	json_identity(&j, id);
	json_key(&j, "interfaces");
	json_array_begin(&j);
	for (unsigned int i = 0; i < n; i++) {
		const struct status_iface *s = &ifs[i];

		json_object_begin(&j);
		json_kv_string(&j, "name", s->name);
		json_kv_i64(&j, "ifindex", s->ifindex);
		json_kv_string(&j, "error", s->err ? strerror(-s->err) : NULL);
		json_key(&j, "programs");
		json_array_begin(&j);
		for (unsigned int k = 0; k < s->n_progs; k++) {
			const struct status_prog *p = &s->progs[k];
			char ts[FMT_LEN];

			json_object_begin(&j);
			json_kv_string(&j, "mode", enum_name(status_mode_names, p->mode));
			json_kv_u64(&j, "id", p->id);
			json_kv_string(&j, "name", p->info_known ? p->name : NULL);
			json_kv_string(&j, "tag", p->info_known ? p->tag : NULL);
			json_key(&j, "ours");
			if (p->info_known)
				json_bool(&j, p->ours);
			else
				json_null(&j);
			json_kv_string(&j, "attach", p->attach_known ? attach_name(p) : NULL);
			json_key(&j, "link_id");
			if (p->link)
				json_u64(&j, p->link_id);
			else
				json_null(&j);
			fmt_rfc3339(ts, p->loaded_at);
			json_kv_string(&j, "loaded_at", p->loaded_at > 0 ? ts : NULL);
			json_key(&j, "pids");
			if (p->pids_known) {
				json_array_begin(&j);
				for (unsigned int q = 0; q < p->n_pids; q++)
					json_i64(&j, p->pids[q]);
				json_array_end(&j);
			} else {
				json_null(&j);
			}
			json_object_end(&j);
		}
		json_array_end(&j);
		json_key(&j, "dispatcher");
		if (s->disp_id) {
			json_object_begin(&j);
			json_kv_u64(&j, "id", s->disp_id);
			json_kv_u64(&j, "version", s->disp_version);
			json_key(&j, "slots");
			json_array_begin(&j);
			for (unsigned int k = 0; k < s->disp.n; k++) {
				const struct probe_disp_slot *d = &s->disp.slot[k];
				char acts[96];

				json_object_begin(&j);
				json_kv_u64(&j, "slot", k);
				json_kv_u64(&j, "id", d->id);
				json_kv_string(&j, "name", d->id ? d->name : NULL);
				json_kv_u64(&j, "priority", d->prio);
				json_kv_string(&j, "chain_call_actions",
					       actions_name(d->actions, acts, sizeof(acts)));
				json_key(&j, "ours");
				json_bool(&j, d->ours);
				json_key(&j, "pid");
				if (d->pid)
					json_i64(&j, d->pid);
				else
					json_null(&j);
				json_key(&j, "alive");
				json_bool(&j, d->alive);
				json_object_end(&j);
			}
			json_array_end(&j);
			json_object_end(&j);
		} else {
			json_null(&j);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_line_end(&j);
}

/* A dispatcher's slots under it, as `xdp-loader status` lists them: the
 * program, its run priority and chain actions, and whose it is. */
static void print_slots(FILE *f, const struct status_iface *s)
{
	for (unsigned int k = 0; k < s->disp.n; k++) {
		const struct probe_disp_slot *d = &s->disp.slot[k];
		char acts[96], owner[96], slot[16], lead[2 * FMT_NAME_LEN + 48], text[256];

		if (!d->ours)
			snprintf(owner, sizeof(owner), "another program");
		else if (d->alive)
			snprintf(owner, sizeof(owner), "xdpcount, pid %d", d->pid);
		else
			snprintf(owner, sizeof(owner), "xdpcount, no process (a leftover: "
				 "xdpcount detach %s)", FMT_NAME(s->name));
		snprintf(slot, sizeof(slot), "slot %u", k);
		snprintf(lead, sizeof(lead), "%-15s %-8s %7u  %-16s %-8s ", "", slot, d->id,
			 d->id ? FMT_NAME(d->name) : "?", "freplace");
		snprintf(text, sizeof(text), "%s; priority %u, chain %s", owner, d->prio,
			 actions_name(d->actions, acts, sizeof(acts)));
		fmt_wrap(f, lead, 35, text); /* 80 columns, as the rows above */
	}
}

void status_print_human(FILE *f, const struct status_iface *ifs, unsigned int n, bool all)
{
	unsigned int shown = 0;

	fprintf(f, "%-15s %-8s %7s  %-16s %-8s %s\n", "interface", "mode", "id", "name", "attach",
		"owner");
	for (unsigned int i = 0; i < n; i++) {
		const struct status_iface *s = &ifs[i];

		if (s->err) {
			fprintf(f, "%-15s cannot query: %s\n", FMT_NAME(s->name), strerror(-s->err));
			continue;
		}
		if (!s->n_progs) {
			if (!all) /* every interface was listed: say it has none */
				fprintf(f, "%-15s -\n", FMT_NAME(s->name));
			continue;
		}
		for (unsigned int k = 0; k < s->n_progs; k++, shown++) {
			const struct status_prog *p = &s->progs[k];
			char owner[160] = "", ts[FMT_LEN], lead[2 * FMT_NAME_LEN + 48];
			size_t l;

			if (!p->info_known) {
				snprintf(owner, sizeof(owner), "unknown (run as root to see)");
			} else if (!p->ours) {
				snprintf(owner, sizeof(owner), "another program");
				l = strlen(owner);
				for (unsigned int q = 0; q < p->n_pids && l < sizeof(owner); q++)
					l += (size_t)snprintf(owner + l, sizeof(owner) - l, "%s %d",
							      q ? "" : ", pid", p->pids[q]);
			} else {
				snprintf(owner, sizeof(owner), "xdpcount");
				l = strlen(owner);
				if (p->pids_known && p->n_pids) {
					l += (size_t)snprintf(owner + l, sizeof(owner) - l, ", pid");
					for (unsigned int q = 0; q < p->n_pids && l < sizeof(owner); q++)
						l += (size_t)snprintf(owner + l, sizeof(owner) - l, " %d",
								      p->pids[q]);
				} else if (p->pids_known) {
					l += (size_t)snprintf(owner + l, sizeof(owner) - l,
							      ", no process (a leftover: xdpcount detach %s)",
							      FMT_NAME(s->name));
				}
				if (p->loaded_at > 0 && l < sizeof(owner)) {
					fmt_rfc3339(ts, p->loaded_at);
					snprintf(owner + l, sizeof(owner) - l, ", since %s", ts);
				}
			}
			/* the owner wraps under the name column: 80 columns */
			snprintf(lead, sizeof(lead), "%-15s %-8s %7u  %-16s %-8s ",
				 k ? "" : FMT_NAME(s->name), enum_name(status_mode_names, p->mode), p->id,
				 p->info_known ? FMT_NAME(p->name) : "?",
				 p->attach_known ? attach_name(p) : "?");
			fmt_wrap(f, lead, 35, owner);
			if (p->id == s->disp_id)
				print_slots(f, s);
		}
	}
	if (all && !shown)
		fprintf(f, "(no XDP program on any interface)\n");
}
