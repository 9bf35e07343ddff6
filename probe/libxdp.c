/* Which libxdp generation this host speaks, for the version of a dispatcher
 * xdpcount creates on a free hook (plan/share.c decides): the libxdp
 * dispatchers whose state is in libxdp's bpffs and which are attached to
 * their interface here (xdp/dispatch-<ifindex>-<prog id>/, the ifindex's XDP
 * program that id, its config read by id), and
 * the installed library's full version from its file name (libxdp.so.1.N.M,
 * as Debian's libxdp1 and libxdp's own `make install` name it) under the
 * usual library directories. Read-only; nothing is loaded. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe/nl.h"
#include "probe/probe.h"

/* Where the dynamic linker looks without ld.so.conf, and where Debian's
 * multiarch libraries live (their <triplet> subdirectories, found by name). */
const char *const probe_libxdp_dirs[] = {
	"/usr/lib", "/lib", "/usr/lib64", "/lib64", "/usr/local/lib", "/usr/local/lib64", NULL,
};

int libxdp_soname_parse(const char *name, unsigned int *minor, unsigned int *patch)
{
	static const char pre[] = "libxdp.so.1.";
	const char *s = name;
	char *end;
	unsigned long n, m = 0;

	if (strncmp(s, pre, sizeof(pre) - 1) != 0)
		return -EINVAL;
	s += sizeof(pre) - 1;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	n = strtoul(s, &end, 10);
	if (*end == '.') {
		if (end[1] < '0' || end[1] > '9')
			return -EINVAL;
		m = strtoul(end + 1, &end, 10);
	}
	if (*end || n > 1000 || m > 1000)
		return -EINVAL;
	*minor = (unsigned int)n;
	*patch = (unsigned int)m;
	return 0;
}

static bool newer(const struct probe_libxdp *l, unsigned int minor, unsigned int patch)
{
	return !l->lib_found || minor > l->lib_minor ||
	       (minor == l->lib_minor && patch > l->lib_patch);
}

/* Every libxdp.so.1.N[.M] of dir that is (or leads to) a regular file. */
static void scan_lib_dir(struct probe_libxdp *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[sizeof(l->lib_path)];
		unsigned int minor, patch;
		struct stat st;

		if (libxdp_soname_parse(e->d_name, &minor, &patch) || !newer(l, minor, patch))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		l->lib_found = true;
		l->lib_minor = minor;
		l->lib_patch = patch;
		memcpy(l->lib_path, path, sizeof(path));
	}
	closedir(d);
}

void probe_libxdp_lib(struct probe_libxdp *l, const char *const *dirs)
{
	for (; *dirs; dirs++) {
		DIR *d = opendir(*dirs);
		struct dirent *e;

		scan_lib_dir(l, *dirs);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			char sub[256];

			if (e->d_name[0] == '.' || !strstr(e->d_name, "-linux-") ||
			    snprintf(sub, sizeof(sub), "%s/%s", *dirs, e->d_name) >= (int)sizeof(sub))
				continue;
			scan_lib_dir(l, sub);
		}
		closedir(d);
	}
}

void probe_libxdp_dispatchers(struct probe_libxdp *l, const char *bpffs)
{
	char dir[256];
	struct dirent *e;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/xdp", bpffs) >= (int)sizeof(dir)) {
		l->disp_err = -ENAMETOOLONG;
		return;
	}
	d = opendir(dir);
	if (!d) {
		l->disp_err = -errno;
		return;
	}
	while ((e = readdir(d))) {
		struct nl_xdp_ids q = { 0, 0, 0 };
		unsigned char c[4];
		unsigned int id;
		uint32_t size = 0;
		int ifindex, n = 0, err;

		if (sscanf(e->d_name, "dispatch-%d-%u%n", &ifindex, &id, &n) != 2 ||
		    e->d_name[n] || !id)
			continue;
		/* a directory whose program is gone (a killed libxdp user's) says
		 * nothing, nor one whose program is no longer attached where the
		 * name says (still held by the pinned links of its slots, its
		 * interface gone, or in another network namespace): only a
		 * dispatcher on an interface here counts */
		if (nl_link_xdp_ids(ifindex, &q) || (q.drv != id && q.skb != id))
			continue;
		err = probe_dispatcher_config(id, c, sizeof(c), &size);
		if (err) {
			if (!l->disp_err && err != -ENOENT)
				l->disp_err = err;
			continue;
		}
		if (c[0] != XDPC_DISPATCHER_MAGIC || size != dispatcher_config_size(c[1]))
			continue;
		if (!l->disp_n[c[1]]) {
			l->disp_ifindex[c[1]] = ifindex;
			l->disp_id[c[1]] = id;
		}
		l->disp_n[c[1]]++;
	}
	closedir(d);
}

void probe_libxdp(struct probe *p)
{
	memset(&p->libxdp, 0, sizeof(p->libxdp));
	probe_libxdp_dispatchers(&p->libxdp, dispatcher_bpffs());
	probe_libxdp_lib(&p->libxdp, probe_libxdp_dirs);
	p->libxdp.probed = true;
}
