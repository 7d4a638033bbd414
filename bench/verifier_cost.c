/* What the verifier spends on each of sfw's BPF programs: the
 * instructions it processed (of the kernel's 1,000,000 per program) and
 * the stack of each function, as the verifier's statistics (log level 4)
 * report them when the object is loaded, maps shrunk and pinned under a
 * private root that is removed afterwards. The race tests' XDP build
 * (tests/bpf/xdp_race.bpf.c) is measured too when it was built: it is
 * the largest. `verifier_cost --functions OBJ` loads OBJ with the full
 * log (level 6, hundreds of MB) and counts the processed instructions of
 * each global function, to find where the verifier's work goes
 * (docs/design.md "Verification cost"). */
#include <errno.h>
#include <stdbool.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define STATS_LOG (1u << 20)
#define FULL_LOG (1023u << 20)
#define MAX_PROGS 4
#define SMALL_MAP 4096

/* sfw's own objects come with every build, so one missing means the
 * directory is wrong (an output path outside a build directory): an
 * error, never an empty table. Only the race tests' build is optional:
 * it comes with the tests, which `make bench` does not build. */
static const struct obj {
	const char *name;
	bool optional;
} objs[] = {
	{ "xdp_ingress", false }, { "tc_egress", false }, { "reap", false },
	{ "xdp_race", true },
};
#define NOBJS (sizeof(objs) / sizeof(objs[0]))

static void obj_path(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/bpf/%s.bpf.o", dir, name);
}

/* Every object that is not optional is in dir/bpf: 0, else one line. */
static int objects_present(const char *dir, const char *out)
{
	char path[1024];

	for (size_t i = 0; i < NOBJS; i++) {
		obj_path(path, sizeof(path), dir, objs[i].name);
		if (!objs[i].optional && access(path, R_OK)) {
			fprintf(stderr, "verifier_cost: no %s: the objects come from the build "
				"directory the output %s is in (BUILD/bench/NAME.json)\n", path,
				out);
			return -1;
		}
	}
	return 0;
}

static int quiet(enum libbpf_print_level l, const char *f, va_list a)
{
	return 0;
}

/* Hash tables as small as the verifier cares for: it never sees their size. */
static void shrink_maps(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		enum bpf_map_type t = bpf_map__type(m);

		if ((t == BPF_MAP_TYPE_HASH || t == BPF_MAP_TYPE_LRU_HASH ||
		     t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH) &&
		    bpf_map__max_entries(m) > SMALL_MAP)
			bpf_map__set_max_entries(m, SMALL_MAP);
	}
}

/* Loads path with each program's log at level into its own buffer of
 * size bytes (logs[i]); fills names. Returns the object (closed by the
 * caller) or NULL. */
static struct bpf_object *load(const char *path, __u32 level, char **logs, size_t size,
			       const char **names, int *n, int *err)
{
	char root[64];
	struct bpf_object *obj;
	struct bpf_program *prog;

	snprintf(root, sizeof(root), "/sys/fs/bpf/sfw-vcost-%d", getpid());
	mkdir(root, 0700);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = root);
	obj = bpf_object__open_file(path, &oo);
	if (!obj) {
		*err = -errno;
		rmdir(root);
		return NULL;
	}
	shrink_maps(obj);
	*n = 0;
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog) || *n == MAX_PROGS)
			continue;
		logs[*n] = calloc(1, size);
		bpf_program__set_log_level(prog, level);
		bpf_program__set_log_buf(prog, logs[*n], size);
		names[(*n)++] = bpf_program__name(prog);
	}
	*err = bpf_object__load(obj);
	/* the maps it pinned go with the private root */
	bpf_object__unpin_maps(obj, NULL);
	rmdir(root);
	return obj;
}

/* The number after key in log, 0 if absent; its line into line. */
static unsigned long stat_of(const char *log, const char *key, char *line, size_t len)
{
	const char *s = log ? strstr(log, key) : NULL;
	size_t n;

	line[0] = 0;
	if (!s)
		return 0;
	n = strcspn(s, "\n");
	snprintf(line, len, "%.*s", (int)(n < len ? n : len - 1), s);
	return strtoul(s + strlen(key), NULL, 10);
}

static int measure(const char *dir, const char *name, FILE *json, const char **sep)
{
	char path[1024], stack[1024], line[256];
	char *logs[MAX_PROGS] = {};
	const char *names[MAX_PROGS];
	struct bpf_object *obj;
	int n = 0, err = 0;

	obj_path(path, sizeof(path), dir, name);
	if (access(path, R_OK))
		return 0;   /* optional and not built: objects_present checked the rest */
	obj = load(path, 4, logs, STATS_LOG, names, &n, &err);
	for (int i = 0; i < n; i++) {
		unsigned long insns = stat_of(logs[i], "processed ", line, sizeof(line));
		const char *depth;

		stat_of(logs[i], "stack depth ", stack, sizeof(stack));
		depth = *stack ? stack + strlen("stack depth ") : "";   /* empty: not in the log */
		printf("%-12s %-16s %9lu %s\n", name, names[i], insns, err ? "(did not load)" : depth);
		fprintf(json, "%s\n    {\"object\": \"%s\", \"program\": \"%s\", \"loaded\": %s, "
			"\"verified_insns\": %lu, \"stack\": \"%s\"}", *sep, name, names[i],
			err ? "false" : "true", insns, err ? "" : depth);
		*sep = ",";
		free(logs[i]);
	}
	bpf_object__close(obj);
	return err;
}

/* --functions: processed instructions per global function ("Validating
 * f()" starts each; every processed instruction is a line "N: (op)" or
 * a pruned "N: safe" or "from M to N: safe"), largest first. */
static int by_function(const char *path)
{
	char *logs[MAX_PROGS] = {}, *s, *e;
	const char *names[MAX_PROGS], *cur = "(entry)";
	struct { char name[64]; unsigned long n; } f[256];
	int n = 0, err = 0, nf = 1;
	unsigned long total = 0;
	struct bpf_object *obj = load(path, 6, logs, FULL_LOG, names, &n, &err);

	snprintf(f[0].name, sizeof(f[0].name), "%s", cur);
	f[0].n = 0;
	for (s = n ? logs[0] : NULL; s && *s; s = e ? e + 1 : NULL) {
		char *c;

		e = strchr(s, '\n');
		if (!strncmp(s, "Validating ", 11) && nf < 256) {
			snprintf(f[nf].name, sizeof(f[nf].name), "%.*s", (int)strcspn(s + 11, "("), s + 11);
			f[nf++].n = 0;
		} else if ((strtoul(s, &c, 10), c > s && c[0] == ':' && c[1] == ' ' &&
			    (c[2] == '(' || !strncmp(c + 2, "safe", 4))) ||
			   (!strncmp(s, "from ", 5) && e && e - s > 6 && !strncmp(e - 6, ": safe", 6))) {
			f[nf - 1].n++;
		}
	}
	for (int i = 0; i < nf; i++)
		for (int j = i + 1; j < nf; j++)
			if (f[j].n > f[i].n) {
				typeof(f[0]) t = f[i];
				f[i] = f[j];
				f[j] = t;
			}
	for (int i = 0; i < nf && f[i].n; i++) {
		printf("%9lu %s\n", f[i].n, f[i].name);
		total += f[i].n;
	}
	printf("%9lu total%s\n", total, err ? " (did not load)" : "");
	for (int i = 0; i < n; i++)
		free(logs[i]);
	bpf_object__close(obj);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *out = argc > 1 ? argv[1] : "build/bench/verifier_cost.json";
	const char *sep = "";
	char dir[512], base[256];
	FILE *json;
	int failed = 0;

	libbpf_set_print(quiet);
	if (argc > 2 && !strcmp(argv[1], "--functions"))
		return by_function(argv[2]);
	/* the build directory: the one the results go to (BUILD/bench/x.json) */
	snprintf(base, sizeof(base), "%s", out);
	snprintf(dir, sizeof(dir), "%s/..", dirname(base));
	if (objects_present(dir, out))
		return 1;
	json = fopen(out, "w");
	if (!json) {
		fprintf(stderr, "verifier_cost: cannot write %s: %s\n", out, strerror(errno));
		return 1;
	}
	printf("verified instructions (of 1,000,000) and stack per function (verifier log level 4)\n");
	fprintf(json, "{\"benchmark\": \"verifier_cost\", \"results\": [");
	for (size_t i = 0; i < NOBJS; i++)
		failed |= measure(dir, objs[i].name, json, &sep) != 0;
	fprintf(json, "\n]}\n");
	fclose(json);
	return failed;
}
