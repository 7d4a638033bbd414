#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "flow_fixture.h"
#include "config.h"
#include "grammar.h"
#include "loader.h"
#include "maps.h"
#include "policy.h"

int uf_map(__u32 max)
{
	return bpf_map_create(BPF_MAP_TYPE_HASH, "uf_sessions",
			      sizeof(struct sfw_session_key),
			      sizeof(struct sfw_session), max, NULL);
}

static __u8 family_of(const char *addr)
{
	return strchr(addr, ':') ? SFW_FAMILY_INET6 : SFW_FAMILY_INET;
}

static void addr_of(const char *s, union sfw_addr *a)
{
	memset(a, 0, sizeof(*a));
	inet_pton(family_of(s) == SFW_FAMILY_INET6 ? AF_INET6 : AF_INET, s, a);
}

/* Normalise as the datapath does: the lower (address, port) side is lo. */
static bool src_is_lo(const union sfw_addr *src, __u16 sport,
		      const union sfw_addr *dst, __u16 dport)
{
	int c = memcmp(src, dst, sizeof(*src));

	return c < 0 || (c == 0 && sport <= dport);
}

void uf_key(const struct uf_spec *s, struct sfw_session_key *k)
{
	union sfw_addr src, dst;

	addr_of(s->src, &src);
	addr_of(s->dst, &dst);
	memset(k, 0, sizeof(*k));
	k->proto = s->proto;
	k->family = family_of(s->src);
	if (src_is_lo(&src, s->sport, &dst, s->dport)) {
		k->addr_lo = src;
		k->addr_hi = dst;
		k->port_lo = htons(s->sport);
		k->port_hi = htons(s->dport);
	} else {
		k->addr_lo = dst;
		k->addr_hi = src;
		k->port_lo = htons(s->dport);
		k->port_hi = htons(s->sport);
	}
}

int uf_add(int fd, const struct uf_spec *s)
{
	struct sfw_session_key k;
	struct sfw_session v;

	uf_build(s, &k, &v);
	return bpf_map_update_elem(fd, &k, &v, BPF_ANY);
}

void uf_build(const struct uf_spec *s, struct sfw_session_key *key,
	      struct sfw_session *out)
{
	struct sfw_session v;
	union sfw_addr src, dst;

	uf_key(s, key);
	addr_of(s->src, &src);
	addr_of(s->dst, &dst);
	memset(&v, 0, sizeof(v));
	v.id = s->id;
	v.created_s = s->created_s;
	v.last_seen_s = s->last_seen_s;
	v.timeout_s = s->timeout_s;
	v.policy_id = s->policy_id ? s->policy_id : SFW_POLICY_ID_DEFAULT_PERMIT;
	v.app_id = s->app_id;
	v.state = s->state;
	v.tcp_state = s->tcp_state;
	if (src_is_lo(&src, s->sport, &dst, s->dport))
		v.flags |= SFW_SESS_F_OPENER_LO;
	v.flags |= s->sess_flags;
	for (int i = 0; i < 2; i++) {
		v.wing[i].seq_end = s->seq_end[i];
		v.wing[i].fin_seq = s->fin_seq[i];
		v.wing[i].tcp_flags = s->wing_flags[i];
	}
	v.wing[SFW_WING_IN].ifindex = s->if_in;
	v.wing[SFW_WING_IN].packets = s->pkts_in;
	v.wing[SFW_WING_IN].bytes = s->bytes_in;
	v.wing[SFW_WING_OUT].ifindex = s->if_out;
	v.wing[SFW_WING_OUT].packets = s->pkts_out;
	v.wing[SFW_WING_OUT].bytes = s->bytes_out;
	*out = v;
}

bool uf_has(int fd, const struct uf_spec *s)
{
	struct sfw_session_key k;
	struct sfw_session v;

	uf_key(s, &k);
	return bpf_map_lookup_elem(fd, &k, &v) == 0;
}

int uf_count(int fd)
{
	struct sfw_session_key k, next;
	int n = 0;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		k = next;
		first = false;
		n++;
	}
	return n;
}

void uf_open(struct uf_out *o, int fd, bool json)
{
	FILE *f;

	memset(o, 0, sizeof(*o));
	f = open_memstream(&o->buf, &o->len);
	sfw_flow_ctx_init(&o->ctx, fd, f, json);
	o->ctx.now_ns = UF_NOW_NS;
}

const char *uf_text(struct uf_out *o)
{
	if (o->ctx.out) {
		fclose(o->ctx.out);
		o->ctx.out = NULL;
	}
	return o->buf ? o->buf : "";
}

void uf_free(struct uf_out *o)
{
	uf_text(o);
	free(o->buf);
	o->buf = NULL;
}

static struct {
	char root[64];
	int fd;
} uf_names = { .fd = -1 };

static int names_map(void)
{
	char path[PATH_MAX];

	snprintf(uf_names.root, sizeof(uf_names.root), "/sys/fs/bpf/sfw-ut-names-%d",
		 (int)getpid());
	if (mkdir(uf_names.root, 0700) && errno != EEXIST)
		return -errno;
	setenv("SFW_PIN_ROOT", uf_names.root, 1);
	uf_names.fd = bpf_map_create(BPF_MAP_TYPE_HASH, "uf_names", sizeof(struct sfw_name_key),
				     sizeof(struct sfw_name), 64, NULL);
	if (uf_names.fd < 0)
		return uf_names.fd;
	if (sfw_pin_path(path, sizeof(path), SFW_STR(SFW_MAP_NAMES)))
		return -ENAMETOOLONG;
	return bpf_obj_pin(uf_names.fd, path) ? -errno : 0;
}

int uf_name(__u32 kind, __u32 id, const char *name)
{
	struct sfw_name_key k = { .kind = kind, .id = id };
	struct sfw_name v = { 0 };
	int err;

	if (uf_names.fd < 0 && (err = names_map()))
		return err;
	snprintf(v.name, sizeof(v.name), "%s", name);
	return bpf_map_update_elem(uf_names.fd, &k, &v, BPF_ANY) ? -errno : 0;
}

void uf_names_free(void)
{
	char path[PATH_MAX];

	if (uf_names.fd < 0)
		return;
	if (!sfw_pin_path(path, sizeof(path), SFW_STR(SFW_MAP_NAMES)))
		unlink(path);
	rmdir(uf_names.root);
	close(uf_names.fd);
	uf_names.fd = -1;
	unsetenv("SFW_PIN_ROOT");
}

int uf_parse_line(const char *line, struct sfw_cmdline *cl, struct uf_parse *p)
{
	static char copy[1024];
	char *argv[SFW_MAX_WORDS + 8], *save = NULL, *w;
	int argc = 0;
	FILE *out, *err;

	memset(p, 0, sizeof(*p));
	snprintf(copy, sizeof(copy), "%s", line);
	for (w = strtok_r(copy, " ", &save); w && argc < SFW_MAX_WORDS + 8;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	out = open_memstream(&p->out, &p->out_len);
	err = open_memstream(&p->err, &p->err_len);
	p->rc = sfw_parse(&sfw_root, argc, argv, cl, out, err);
	fclose(out);
	fclose(err);
	cl->out = stdout;
	cl->err = stderr;
	return p->rc;
}

void uf_parse_free(struct uf_parse *p)
{
	free(p->out);
	free(p->err);
}
