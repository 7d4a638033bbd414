/* show version, and --version: the release and the build. The text keeps
 * the shape of Junos's `show version` (Hostname, Model, the release, then
 * one `name [build]` line per component), so an operator's eye and a
 * script's `^Junos:`-style match both find it. The strings come from the
 * build (Makefile: VERSION and git describe). */
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "libbpf_lazy.h"
#include "commands.h"
#include "json.h"
#include "junos_out.h"
#include "sfw_version.h"

const char sfw_release[] = SFW_VERSION;

struct version_info {
	char host[256];
	char model[80];
	const char *libbpf;
	char kernel[sizeof(((struct utsname *)0)->release)];
};

static void collect(struct version_info *v)
{
	struct utsname u;

	if (gethostname(v->host, sizeof(v->host) - 1))
		strcpy(v->host, "unknown");
	v->host[sizeof(v->host) - 1] = '\0';
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	snprintf(v->model, sizeof(v->model), "sfw-%s", *u.machine ? u.machine : "unknown");
	snprintf(v->kernel, sizeof(v->kernel), "%s", *u.release ? u.release : "unknown");
	v->libbpf = libbpf_version_string();
}

static void version_json(FILE *f, const struct version_info *v)
{
	struct sfw_json j;
	struct sfw_obuf ob;

	sfw_ob_init(&ob, f);
	sfw_json_init(&j, &ob);
	sfw_json_doc_begin(&j, "software-information");
	sfw_json_str(&j, "host-name", v->host);
	sfw_json_str(&j, "product-model", v->model);
	sfw_json_str(&j, "product-name", "sfw");
	sfw_json_str(&j, "sfw-version", SFW_VERSION);
	sfw_json_str(&j, "sfw-build", SFW_BUILD);
	sfw_json_str(&j, "libbpf-version", v->libbpf);
	sfw_json_str(&j, "kernel-release", v->kernel);
	sfw_json_doc_end(&j);
}

int sfw_cmd_show_version(const struct sfw_cmdline *cl)
{
	struct version_info v;

	collect(&v);
	if (cl->json) {
		version_json(cl->out, &v);
		return SFW_EXIT_OK;
	}
	fprintf(cl->out, "Hostname: %s\nModel: %s\nsfw: %s\n", v.host, v.model, SFW_VERSION);
	fprintf(cl->out, "sfw build [%s]\nlibbpf [%s]\nLinux kernel [%s]\n", SFW_BUILD,
		v.libbpf, v.kernel);
	return SFW_EXIT_OK;
}

int sfw_print_version(FILE *f)
{
	if (strcmp(SFW_BUILD, SFW_VERSION))
		fprintf(f, "sfw %s (build %s)\n", SFW_VERSION, SFW_BUILD);
	else
		fprintf(f, "sfw %s\n", SFW_VERSION);
	return SFW_EXIT_OK;
}
