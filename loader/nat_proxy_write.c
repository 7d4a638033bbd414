/* proxy-arp/ndp entries into a generation of the proxy map (include/nat.h
 * struct sfw_nat_proxy): by the interface's index, with its MAC and
 * (proxy-ndp) its link-local address, all read here (docs/nat.md "Proxy
 * ARP and NDP"). The ranges are kept by interface name
 * (SFW_MAP_NAT_PROXY_NAMES), and the entries computed from them at commit
 * and again when interfaces come, go or are renamed (sfw_zones_follow),
 * as the zones' are: an index the kernel gives another interface, or an
 * interface renamed, must not answer for the old one's pool addresses. */
#define _GNU_SOURCE
#include <errno.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "libbpf_lazy.h"
#include "loader_int.h"
#include "apply.h"
#include "ifname_entries.h"
#include "policy_write.h"
#include "name_ranks.h"

/* ifname's Ethernet address, in the namespace of the process that
 * commits (the firewall's); -ENODEV when it has none (a tunnel: nothing
 * there answers ARP). */
static int iface_mac(const char *ifname, __u8 mac[6])
{
	struct sockaddr hw;
	int err = sfw_iface_hwaddr(ifname, &hw);

	if (err)
		return err;
	if (hw.sa_family != ARPHRD_ETHER)
		return -ENODEV;
	memcpy(mac, hw.sa_data, 6);
	return 0;
}

/* ifname's first link-local address into src, the source the kernel's
 * ndisc takes for a link-local solicitor (ipv6_dev_get_saddr) and one
 * RFC 4861 7.2.4 allows for any: an address of the interface. None (the
 * interface down at commit, addr_gen_mode none) leaves src ::, and the
 * datapath answers from the target instead, which receivers accept too
 * (docs/nat.md "Proxy ARP and NDP"). */
static void iface_link_local(const char *ifname, union sfw_addr *src)
{
	struct ifaddrs *all, *a;

	if (getifaddrs(&all))
		return;
	for (a = all; a; a = a->ifa_next) {
		const struct sockaddr_in6 *s6 = (const void *)a->ifa_addr;

		if (s6 && s6->sin6_family == AF_INET6 && !strcmp(a->ifa_name, ifname) &&
		    IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr)) {
			memcpy(src->bytes, &s6->sin6_addr, 16);
			break;
		}
	}
	freeifaddrs(all);
}

static const char *proxy_ifname(int i, const void *compiled)
{
	return ((const struct sfw_compiled *)compiled)->nat_proxies[i].ifname;
}

/* Each range's number on its interface (the key's idx): ranges are
 * numbered per interface, in configuration order, proxy-arp's and
 * proxy-ndp's together (sfw_name_ranks). A calloc'd array, or NULL with
 * a message. */
static __u16 *proxy_indexes(const struct sfw_compiled *c)
{
	int n = c->n_nat_proxies, *ranks = sfw_name_ranks(n, proxy_ifname, c);
	__u16 *idx = calloc((size_t)n + 1, sizeof(*idx));
	int err = ranks && idx ? 0 : sfw_fail(ENOMEM, "out of memory");

	for (int i = 0; !err && i < n; i++) {
		if (ranks[i] >= SFW_NAT_MAX_PROXIES)
			err = sfw_fail(E2BIG, "more than %d proxy-arp/ndp ranges on %s",
				       SFW_NAT_MAX_PROXIES, c->nat_proxies[i].ifname);
		idx[i] = (__u16)ranks[i];
	}
	free(ranks);
	if (err) {
		free(idx);
		return NULL;
	}
	return idx;
}

/* Entry i's key by name, its number on its interface idx (proxy_indexes). */
static struct sfw_nat_proxy_name_key proxy_name_key(const struct sfw_compiled *c, int i,
						    __u32 gen, __u16 idx)
{
	const char *ifname = c->nat_proxies[i].ifname;
	struct sfw_nat_proxy_name_key k = { .gen = (__u8)gen, .idx = idx };

	/* the configuration takes Linux names alone (15 characters) */
	memcpy(k.ifname, ifname, strnlen(ifname, sizeof(k.ifname) - 1));
	return k;
}

struct proxy_entry {
	struct sfw_by_index at;   /* sub: the range's number (key idx) */
	struct sfw_nat_proxy v;
};

#define PROXY_ENTRIES { .size = sizeof(struct proxy_entry) }

static struct proxy_entry *entry(const struct sfw_ifname_entries *e, int i)
{
	return (struct proxy_entry *)e->v + i;
}

/* e's key in generation gen of the proxy map. */
static struct sfw_nat_proxy_key entry_key(const struct proxy_entry *e, __u32 gen)
{
	return (struct sfw_nat_proxy_key){ .ifindex = e->at.ifindex, .idx = (__u16)e->at.sub,
					   .gen = (__u8)gen };
}

/* An interface as read once per pass for all its ranges: read for each,
 * a delete and re-create between two could give one name two indexes,
 * one of them answering with the old MAC (review rv43z, F6). */
struct iface_read {
	char ifname[16];
	__u32 ifindex;        /* 0: not here, or no Ethernet address */
	__u8 mac[6];
	union sfw_addr ll;    /* its link-local address, once ll_read */
	bool ll_read;
};

/* ifname into r: 0, or a negative errno. Any failure to read a MAC but
 * its absence refuses: an entry left out would hide the interface's later
 * ranges (the datapath stops at the first gap). */
static int iface_read(const char *ifname, struct iface_read *r)
{
	int err;

	*r = (struct iface_read){ .ifindex = if_nametoindex(ifname) };
	memcpy(r->ifname, ifname, strnlen(ifname, sizeof(r->ifname) - 1));
	err = r->ifindex ? iface_mac(ifname, r->mac) : -ENODEV;
	if (err == -ENODEV)
		r->ifindex = 0;   /* nothing answers there */
	else if (err)
		return sfw_fail(-err, "cannot read the MAC of %s: %s", ifname, strerror(-err));
	return 0;
}

/* One range by name into its entry by index, its interface read in r:
 * 1, or 0 when that is not here (nothing answered there). */
static int entry_of_name(const struct sfw_nat_proxy_name_key *nk, const struct sfw_nat_proxy *nv,
			 struct iface_read *r, struct proxy_entry *e)
{
	if (!r->ifindex)
		return 0;
	*e = (struct proxy_entry){ .at = { .ifindex = r->ifindex, .sub = nk->idx }, .v = *nv };
	memcpy(e->at.ifname, r->ifname, sizeof(e->at.ifname));
	memcpy(e->v.mac, r->mac, sizeof(r->mac));
	if (e->v.family == SFW_FAMILY_INET6 && !r->ll_read) {
		iface_link_local(r->ifname, &r->ll);
		r->ll_read = true;
	}
	if (e->v.family == SFW_FAMILY_INET6)
		e->v.src = r->ll;
	return 1;
}

/* A range by name as generation gen of the names map holds it. */
struct named_range {
	struct sfw_nat_proxy_name_key k;
	struct sfw_nat_proxy v;
};

static int by_ifname(const void *a, const void *b)
{
	const struct named_range *x = a, *y = b;

	return strncmp(x->k.ifname, y->k.ifname, sizeof(x->k.ifname));
}

/* Generation gen's ranges into *all[*n], sorted by name: an interface's
 * ranges next to each other, so it is read once for all of them (found
 * before by a walk of the names read so far: ranges x names compares).
 * 0 or a negative errno. */
static int ranges_of_gen(int names_fd, __u32 gen, struct named_range **all, int *n)
{
	struct sfw_nat_proxy_name_key k, next;
	int err = bpf_map_get_next_key(names_fd, NULL, &next), cap = 0, r = 0;

	for (; !err && !r; err = bpf_map_get_next_key(names_fd, &k, &next)) {
		struct named_range nr = { .k = next };

		k = next;
		if (k.gen != gen || !k.ifname[0] || bpf_map_lookup_elem(names_fd, &k, &nr.v))
			continue;   /* another generation's, the tag (proxy_tag_key) */
		r = sfw_grow(all, &cap, *n, sizeof(**all));
		if (!r)
			(*all)[(*n)++] = nr;
	}
	if (!r && *n)
		qsort(*all, (size_t)*n, sizeof(**all), by_ifname);
	return r;
}

/* What generation gen's names give now, in want. */
static int entries_of_names(int names_fd, __u32 gen, struct sfw_ifname_entries *want)
{
	struct named_range *all = NULL;
	struct iface_read rd;
	int n = 0, r = ranges_of_gen(names_fd, gen, &all, &n);

	for (int i = 0; r >= 0 && i < n; i++) {
		struct proxy_entry e;

		if ((!i || by_ifname(&all[i - 1], &all[i])) &&
		    (r = iface_read(all[i].k.ifname, &rd)) < 0)
			break;
		r = entry_of_name(&all[i].k, &all[i].v, &rd, &e);
		if (r > 0)
			r = sfw_ifname_entries_add(want, &e);
	}
	/* two names that gave one index (a rename between two look-ups):
	 * the rename's notification brings another computation; meanwhile
	 * neither answers */
	if (r >= 0)
		sfw_ifname_entries_drop_shared(want);
	free(all);
	return r < 0 ? r : 0;
}

/* A generation's tag, as the zones' names have one (include/policy.h): in
 * the entry of no name, the first 4 bytes of its range's first address. */
static struct sfw_nat_proxy_name_key proxy_tag_key(__u32 gen)
{
	return (struct sfw_nat_proxy_name_key){ .gen = (__u8)gen };
}

static bool tagged_by(int names_fd, __u32 gen, const __u8 *digest)
{
	struct sfw_nat_proxy_name_key tk = proxy_tag_key(gen);
	struct sfw_nat_proxy tag;
	__u32 t;

	if (bpf_map_lookup_elem(names_fd, &tk, &tag))
		return false;
	memcpy(&t, tag.first.bytes, sizeof(t));
	return t == sfw_names_tag(digest);
}

/* What generation gen of the proxy map holds, in have. */
static int entries_in_map(int proxies_fd, __u32 gen, struct sfw_ifname_entries *have)
{
	struct sfw_nat_proxy_key k, next;
	int r, err = 0;

	for (r = bpf_map_get_next_key(proxies_fd, NULL, &next); !r && !err;
	     r = bpf_map_get_next_key(proxies_fd, &k, &next)) {
		struct proxy_entry e = { 0 };

		k = next;
		e.at = (struct sfw_by_index){ .ifindex = k.ifindex, .sub = k.idx };
		if (k.gen == gen && !bpf_map_lookup_elem(proxies_fd, &k, &e.v))
			err = sfw_ifname_entries_add(have, &e);
	}
	sfw_ifname_entries_sort(have);
	return err;
}

int sfw_nat_proxies_resolve(const struct sfw_policy_fds *fds, __u32 gen, const __u8 *digest)
{
	struct sfw_ifname_entries want = PROXY_ENTRIES, have = PROXY_ENTRIES;
	int err;

	if (!tagged_by(fds->nat_proxy_names, gen, digest))
		return sfw_fail(ESTALE, "the proxy-arp/ndp interface names are another "
				"configuration's than the one in force (an sfw that keeps none "
				"committed it): they follow the names again from the next commit");
	err = entries_of_names(fds->nat_proxy_names, gen, &want);
	err = err ? err : entries_in_map(fds->nat_proxies, gen, &have);
	/* what no longer holds goes first: an index answers for no one
	 * before it answers for another */
	for (int i = 0; i < have.n && !err; i++) {
		const struct proxy_entry *h = entry(&have, i);
		const struct proxy_entry *w = sfw_ifname_entries_find(&want, h->at.ifindex,
								      h->at.sub);
		struct sfw_nat_proxy_key k = entry_key(h, gen);

		if (!w || memcmp(&w->v, &h->v, sizeof(w->v)))
			bpf_map_delete_elem(fds->nat_proxies, &k);
	}
	for (int i = 0; i < want.n && !err; i++) {
		struct sfw_nat_proxy_key k = entry_key(entry(&want, i), gen);

		if (bpf_map_update_elem(fds->nat_proxies, &k, &entry(&want, i)->v, BPF_ANY))
			err = sfw_fail(errno, "cannot write the NAT proxy map: %s", strerror(errno));
	}
	free(want.v);
	free(have.v);
	return err;
}

/* Pins without the names map (an older sfw's, until `sfw reload`): by
 * index at commit alone, as it did. */
static int write_by_index(const struct sfw_compiled *c, int fd, __u32 gen)
{
	__u16 *idx = proxy_indexes(c);
	int r = idx ? 0 : -ENOMEM;

	for (int i = 0; !r && i < c->n_nat_proxies; i++) {
		struct sfw_nat_proxy_name_key nk = proxy_name_key(c, i, gen, idx[i]);
		struct sfw_nat_proxy_key k;
		struct iface_read rd;
		struct proxy_entry e;

		r = iface_read(nk.ifname, &rd);
		r = r ? r : entry_of_name(&nk, &c->nat_proxies[i].v, &rd, &e);
		if (r <= 0)
			continue;   /* a failure ends the loop; 0: not here */
		k = entry_key(&e, gen);
		r = bpf_map_update_elem(fd, &k, &e.v, BPF_ANY) ?
		    sfw_fail(errno, "cannot write the NAT proxy map: %s", strerror(errno)) : 0;
	}
	free(idx);
	return r < 0 ? r : 0;
}

int sfw_nat_proxies_write(const struct sfw_compiled *c, const struct sfw_policy_fds *fds,
			  __u32 gen)
{
	struct sfw_nat_proxy_name_key tk = proxy_tag_key(gen);
	struct sfw_nat_proxy tag = { 0 };
	__u32 t = sfw_names_tag(c->flow.conf_digest);
	__u16 *idx;
	int err;

	if (fds->nat_proxy_names < 0)
		return write_by_index(c, fds->nat_proxies, gen);
	memcpy(tag.first.bytes, &t, sizeof(t));
	if (bpf_map_update_elem(fds->nat_proxy_names, &tk, &tag, BPF_ANY))
		return sfw_fail(errno, "cannot write the NAT proxy name map: %s", strerror(errno));
	idx = proxy_indexes(c);
	err = idx ? 0 : -ENOMEM;
	for (int i = 0; !err && i < c->n_nat_proxies; i++) {
		struct sfw_nat_proxy_name_key nk = proxy_name_key(c, i, gen, idx[i]);

		if (bpf_map_update_elem(fds->nat_proxy_names, &nk, &c->nat_proxies[i].v, BPF_ANY))
			err = sfw_fail(errno, "cannot write the NAT proxy name map: %s",
				       strerror(errno));
	}
	free(idx);
	return err ? err : sfw_nat_proxies_resolve(fds, gen, c->flow.conf_digest);
}
