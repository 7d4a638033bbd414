/* The exporter's life in the daemon: following `set system services
 * prometheus` in the active configuration, (re)listening, rendering a
 * scrape, and publishing its state for `sfw status`. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "libbpf_lazy.h"
#include "loader.h"
#include "maps.h"
#include "metrics_int.h"
#include "clock.h"

/* The status map's layout: opened by the rule every pin of sfw's follows
 * (sfw_open_pin_as: map type, key and value size, not the value size
 * alone: a per-CPU array of the same value size would have a lookup write
 * one value per CPU past the caller's struct). */
static const struct sfw_pin_layout status_layout = {
	.name = SFW_STR(SFW_MAP_METRICS), .type = BPF_MAP_TYPE_ARRAY, .key_size = sizeof(__u32),
	.value_size = sizeof(struct sfw_metrics_info)
};

/* err (sfw_open_pin_as's) for the status pin: whether the daemon may put
 * its own map there. Missing, or sfw's own of another layout (another
 * version's, which it alone writes): 0. Anything else under the name (a
 * map sfw did not make, not a map at all) is not sfw's to remove (rv25
 * F4): err, with sfw_open_pin_as's line, which says to remove it by hand. */
static int status_pin_replaceable(int err)
{
	if (err == -ENOENT || (err == -SFW_ELAYOUT && sfw_own_map_pin(status_layout.name)))
		return 0;
	return err;
}

/* The status map: made (and pinned) by the first publication that has
 * something to say; sfw's own of another layout is refused to readers
 * and replaced here. */
static int status_map(bool create)
{
	char path[PATH_MAX];
	int fd = sfw_open_pin_as(&status_layout, true);

	if (fd >= 0 || !create || status_pin_replaceable(fd))
		return fd;
	if (sfw_pin_path(path, sizeof(path), status_layout.name))
		return -ENAMETOOLONG;
	if (fd == -SFW_ELAYOUT)
		unlink(path);
	fd = bpf_map_create(status_layout.type, status_layout.name, status_layout.key_size,
			    status_layout.value_size, 1, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int sfw_metrics_new(struct sfw_metrics **out)
{
	int fd = status_map(false), err = fd >= 0 ? 0 : status_pin_replaceable(fd);
	struct sfw_metrics *m;

	if (fd >= 0)
		close(fd);
	if (err == -SFW_ELAYOUT)
		return err;   /* not sfw's: the line says to remove it by hand */
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->epoll_fd = m->info_fd = -1;
	*out = m;
	return 0;
}

void sfw_metrics_free(struct sfw_metrics *m)
{
	if (!m)
		return;
	sfw_metrics_http_stop(m);
	memset(&m->info, 0, sizeof(m->info));   /* no one serves now */
	sfw_metrics_publish(m);
	if (m->info_fd >= 0)
		close(m->info_fd);
	if (m->have_conf)
		sfw_conf_free(&m->conf);
	free(m);
}

int sfw_metrics_addr_of(const struct sfw_conf *conf, struct sfw_metrics_addr *a)
{
	const struct sfw_conf_prometheus *p = &conf->prometheus;
	__u16 port = p->port ? p->port : SFW_CONF_PROMETHEUS_PORT;
	char host[INET6_ADDRSTRLEN] = "127.0.0.1";

	memset(a, 0, sizeof(*a));
	if (!p->set)
		return 0;
	a->on = true;
	if (p->has_address && p->address.family == SFW_FAMILY_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, p->address.addr.bytes, 16);
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		a->len = sizeof(*s6);
		snprintf(a->text, sizeof(a->text), "[%s]:%u", host, port);
		return 0;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->sa;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr.s_addr = p->has_address ? p->address.addr.v4 : htonl(INADDR_LOOPBACK);
	inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
	a->len = sizeof(*s4);
	snprintf(a->text, sizeof(a->text), "%s:%u", host, port);
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* The active configuration, read again when its file changed (a commit
 * renames a new file in place). One that cannot be read leaves the last
 * good one in force, reported once. */
static void conf_refresh(struct sfw_metrics *m)
{
	struct sfw_conf_errors errs = { 0 };
	char path[PATH_MAX];
	struct sfw_conf c;
	struct stat st;

	memset(&st, 0, sizeof(st));
	if (sfw_conf_active_path(path, sizeof(path)) || (stat(path, &st) && errno != ENOENT))
		return;
	if ((m->have_conf || m->conf_bad) && same_file(&st, &m->conf_st))
		return;
	m->conf_st = st;
	if (sfw_conf_init(&c))
		return;
	if (st.st_ino && sfw_conf_parse_file(&c, path, &errs)) {
		if (!m->conf_bad)
			fprintf(stderr, "sfw daemon: metrics: the active configuration cannot be "
				"read (%s); keeping what was in force\n",
				errs.n ? errs.msg[0] : sfw_last_error());
		m->conf_bad = true;
		sfw_conf_errors_free(&errs);
		sfw_conf_free(&c);
		return;
	}
	sfw_conf_errors_free(&errs);
	if (m->have_conf)
		sfw_conf_free(&m->conf);
	m->conf = c;   /* no file: the empty configuration, nothing served */
	m->have_conf = true;
	m->conf_bad = false;
}

/* Stops, moves or starts the listener for m->want; says what changed. */
static void retarget(struct sfw_metrics *m)
{
	bool was = m->mhd != NULL;
	char why[sizeof(m->info.error)] = "";

	sfw_metrics_http_stop(m);
	m->have = m->want;
	memset(&m->info, 0, offsetof(struct sfw_metrics_info, listen));
	snprintf(m->info.listen, sizeof(m->info.listen), "%s", m->want.text);
	if (!m->want.on) {
		m->info.error[0] = '\0';
		if (was)
			fprintf(stderr, "sfw daemon: metrics are no longer served\n");
	} else if (sfw_metrics_http_start(m, &m->want, sfw_metrics_render, why, sizeof(why))) {
		m->info.state = SFW_METRICS_FAILED;
		m->retry_at_ms = sfw_mono_ms() + SFW_METRICS_RETRY_S * 1000;
		if (strcmp(why, m->info.error))
			fprintf(stderr, "sfw daemon: metrics: %s (tried again every %d s)\n", why,
				SFW_METRICS_RETRY_S);
		snprintf(m->info.error, sizeof(m->info.error), "%s", why);
	} else {
		m->info.state = SFW_METRICS_SERVING;
		m->info.error[0] = '\0';
		fprintf(stderr, "sfw daemon: serving metrics on http://%s/metrics\n", m->want.text);
	}
	sfw_metrics_publish(m);
}

void sfw_metrics_tick(struct sfw_metrics *m)
{
	struct sfw_metrics_addr want = { 0 };
	__u64 now_ms = sfw_mono_ms();

	/* the daemon's loop turns once per batch of events: look at the
	 * configuration a few times a second, not at every turn */
	if (now_ms < m->tick_at_ms)
		return;
	m->tick_at_ms = now_ms + SFW_METRICS_TICK_MS;
	conf_refresh(m);
	if (m->have_conf)
		sfw_metrics_addr_of(&m->conf, &want);
	if (want.on != m->want.on || strcmp(want.text, m->want.text)) {
		m->want = want;
		retarget(m);
	} else if (want.on && !m->mhd && now_ms >= m->retry_at_ms) {
		retarget(m);
	} else if (m->mhd) {
		sfw_metrics_http_forget_stale(m);
		/* requests answered from a shared render (metrics_http.c),
		 * which publishes nothing itself */
		if (m->info.scrapes != m->published)
			sfw_metrics_publish(m);
	}
}

char *sfw_metrics_render(struct sfw_metrics *m, size_t *len)
{
	/* this render and the request it answers (counted once queued) */
	struct sfw_metrics_served served = { m->requests + 1, m->renders + 1 };
	struct sfw_metrics_scrape s;
	__u64 t0 = sfw_mono_ns();
	struct sfw_expo e;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	memset(&s, 0, sizeof(s));
	conf_refresh(m);
	sfw_metrics_read(&s, m->have_conf ? &m->conf : NULL);
	s.v.sweeps = &m->sweeps;
	s.v.collect_s = (double)(sfw_mono_ns() - t0) / 1e9;
	s.v.served = &served;
	sfw_expo_init(&e, f);
	sfw_metrics_write(&e, &s.v);
	sfw_expo_flush(&e);
	sfw_metrics_scrape_free(&s);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	m->renders++;
	m->info.last_scrape_ns = sfw_mono_ns() - t0;
	sfw_metrics_publish(m);
	return buf;
}

void sfw_metrics_observe_sweep(struct sfw_metrics *m, __u64 ns)
{
	double s = (double)ns / 1e9;
	int i = 0;

	if (!m)
		return;
	while (i < SFW_SWEEP_BUCKETS && s > sfw_sweep_bounds[i])
		i++;
	m->sweeps.bucket[i]++;
	m->sweeps.count++;
	m->sweeps.sum += s;
}

void sfw_metrics_publish(struct sfw_metrics *m)
{
	__u32 zero = 0;

	if (m->info_fd < 0 && m->info.state != SFW_METRICS_OFF) {
		m->info_fd = status_map(true);
		/* a pin planted since the start: said once, left in place */
		if (m->info_fd == -SFW_ELAYOUT && !m->status_refused)
			fprintf(stderr, "sfw daemon: metrics: %s\n", sfw_last_error());
		m->status_refused = m->info_fd == -SFW_ELAYOUT;
	}
	if (m->info_fd >= 0 && !bpf_map_update_elem(m->info_fd, &zero, &m->info, BPF_ANY))
		m->published = m->info.scrapes;
}

int sfw_metrics_status_read(struct sfw_metrics_info *out)
{
	int fd = status_map(false), err = 0;
	__u32 zero = 0;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &zero, out))
		err = -errno;
	close(fd);
	return err;
}
