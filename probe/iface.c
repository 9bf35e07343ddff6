/* Per-interface facts: ifindex, driver, MTU, flags, the XDP programs
 * attached now (and whether they are ours), and the driver's xdp-features. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/stats.h"
#include "probe/pin.h"
#include "probe/probe.h"
#include "probe/internal.h"
#include "probe/nl.h"

/* Any socket reaches the device ioctls; AF_UNIX works where AF_INET is
 * not compiled in or filtered. */
static int ioctl_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

static int if_ioctl(int sock, const char *name, unsigned long req,
		    struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, name, IF_NAMESIZE - 1);
	return ioctl(sock, req, ifr) < 0 ? -errno : 0;
}

static void probe_link_facts(struct probe_iface *it)
{
	struct ethtool_drvinfo drv;
	struct ifreq ifr;
	int sock = ioctl_socket();

	if (sock < 0)
		return;
	if (if_ioctl(sock, it->name, SIOCGIFFLAGS, &ifr) == 0) {
		it->up = ifr.ifr_flags & IFF_UP;
		it->loopback = ifr.ifr_flags & IFF_LOOPBACK;
	}
	if (if_ioctl(sock, it->name, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0)
		it->mtu = (unsigned int)ifr.ifr_mtu;
	/* ETHTOOL_GDRVINFO; lo and some virtual devices have none. */
	memset(&drv, 0, sizeof(drv));
	drv.cmd = ETHTOOL_GDRVINFO;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, it->name, IF_NAMESIZE - 1);
	ifr.ifr_data = (void *)&drv;
	if (ioctl(sock, SIOCETHTOOL, &ifr) == 0) {
		size_t n = strnlen(drv.driver, sizeof(drv.driver));

		if (n >= sizeof(it->driver))
			n = sizeof(it->driver) - 1;
		memcpy(it->driver, drv.driver, n);
		it->driver[n] = '\0';
	}
	close(sock);
}

/* Id, kernel name and ownership of one attached program. Reading the name
 * needs CAP_SYS_ADMIN (bpf_prog_get_fd_by_id); our bpffs pin needs only
 * CAP_BPF (probe/pin.h). Who holds it: the pin names the pid; otherwise the
 * fds in /proc/PID/fdinfo (readable for processes of our uid whose
 * capabilities we hold; xdpcount drops its own after attaching). */
void probe_prog_owner(struct probe_xdp_prog *x, __u32 id, int ifindex)
{
	struct pin_owner o;
	int holder;

	x->id = id;
	if (!id)
		return;
	if (prog_name_by_id(id, x->name, NULL) == 0) {
		x->ours = prog_name_ours(x->name);
		probe_dispatcher(x, ifindex);
	} else {
		x->name_unreadable = true;
	}
	if (pin_find(ifindex, id, &o) == 0) {
		x->ours = x->pinned = true;
		x->holder_pid = o.pid;
		x->holder_alive = o.alive;
		return;
	}
	if (!x->ours && !x->name_unreadable)
		return; /* named, and not ours: no need to look for its holder */
	holder = pin_holder_scan(id);
	if (holder > 0 && (x->ours || pin_process_is_xdpcount(holder))) {
		x->ours = true;
		x->holder_pid = holder;
		x->holder_alive = true;
	} else if (holder < 0 && x->ours) {
		x->holder_unknown = true;
	}
}

static void probe_netdev_family(struct probe *p)
{
	int ret;

	if (p->netdev_family.state != FACT_UNKNOWN || p->netdev_family.err)
		return; /* asked already */
	ret = genl_family_id("netdev");
	if (ret > 0) {
		p->netdev_family.state = FACT_YES;
		p->netdev_family_id = ret;
	} else if (ret == 0) {
		p->netdev_family.state = FACT_NO;
		p->netdev_family.err = -ENOENT;
	} else {
		p->netdev_family.err = ret;
	}
}

/* The programs per mode, and the xdp-features (netdev family, 6.3+; hence
 * probe_netdev_family(), to tell a missing family from no features). */
static void probe_xdp(struct probe *p, struct probe_iface *it)
{
	struct nl_xdp_ids ids;
	__u64 features = 0;
	int err;

	err = nl_link_xdp_ids(it->ifindex, &ids);
	probe_prog_owner(&it->drv, ids.drv, it->ifindex);
	probe_prog_owner(&it->skb, ids.skb, it->ifindex);
	probe_prog_owner(&it->hw, ids.hw, it->ifindex);
	probe_dispatcher_slots(it);
	if (err) {
		it->xdp_features_known.state = FACT_UNKNOWN;
		it->xdp_features_known.err = err;
		return;
	}
	probe_netdev_family(p);
	it->xdp_features_known = p->netdev_family;
	if (p->netdev_family.state != FACT_YES)
		return;
	err = genl_xdp_features(p->netdev_family_id, it->ifindex, &features);
	if (err) {
		it->xdp_features_known.state = FACT_UNKNOWN;
		it->xdp_features_known.err = err;
		return;
	}
	it->xdp_features = features;
}

int probe_iface(struct probe *p, const char *name)
{
	struct probe_iface *it;
	unsigned int i, idx;
	char real[IF_NAMESIZE];

	if (!name || !*name || strlen(name) >= IF_NAMESIZE)
		return -ENODEV;
	if (p->n_ifaces >= PROBE_MAX_IFACES)
		return -E2BIG;
	idx = if_nametoindex(name);
	if (!idx)
		return errno == ENXIO || errno == 0 ? -ENODEV : -errno;
	/* The kernel also resolves an alias (eth0:1) or an altname to the
	 * device: count, label and compare it by its own name and index. */
	if (if_indextoname(idx, real))
		name = real;
	for (i = 0; i < p->n_ifaces; i++)
		if (p->ifaces[i].ifindex == (int)idx)
			return -EEXIST;

	it = &p->ifaces[p->n_ifaces];
	memset(it, 0, sizeof(*it));
	memcpy(it->name, name, strlen(name) + 1);
	it->ifindex = (int)idx;
	probe_link_facts(it);
	probe_xdp(p, it);
	p->n_ifaces++;
	return 0;
}

static bool iface_wanted(int sock, const char *name)
{
	struct ifreq ifr;

	if (if_ioctl(sock, name, SIOCGIFFLAGS, &ifr))
		return false;
	return (ifr.ifr_flags & IFF_UP) && !(ifr.ifr_flags & IFF_LOOPBACK);
}

int probe_default_ifaces(struct probe *p)
{
	struct if_nameindex *all, *i;
	int sock, err = 0;

	sock = ioctl_socket();
	if (sock < 0)
		return sock;
	all = if_nameindex();
	if (!all) {
		err = -errno;
		goto out;
	}
	for (i = all; i->if_index; i++) {
		int ret;

		if (!iface_wanted(sock, i->if_name))
			continue;
		ret = probe_iface(p, i->if_name);
		if (ret == -E2BIG) {
			err = ret;
			break;
		}
		/* Gone meanwhile (-ENODEV) or named twice: skip it. */
	}
	if_freenameindex(all);
out:
	close(sock);
	return err;
}
