/* Commits simulated on one table of NAT rule and pool ids, as the names
 * map keeps it (loader/nat_rule_ids.c): test_nat_rule_ids.c,
 * test_nat_pool_ids.c and test_nat_dest_ids.c. */
#ifndef SFW_TESTS_UNIT_NAT_IDS_COMMIT_H
#define SFW_TESTS_UNIT_NAT_IDS_COMMIT_H

#include <stdlib.h>
#include "compile.h"
#include "loader.h"
#include "nat_rule_ids.h"
#include "test_conf.h"

static struct sfw_nat_ids *t;
/* what the session table names, per kind */
static bool session_names[SFW_NAT_IDS_KINDS][SFW_KEPT_MAX + 1];
static int asked;

static void ids_setup(void)
{
	t = calloc(1, sizeof(*t));
	cr_assert(t);
	memset(session_names, 0, sizeof(session_names));
	asked = 0;
}

static void ids_teardown(void)
{
	free(t);
}

static int sessions(void *arg, enum sfw_nat_ids_kind kind, bool *used)
{
	(void)arg;
	asked++;
	memcpy(used, session_names[kind], sizeof(session_names[kind]));
	return 0;
}

/* A commit: the ids, then (on success) its rules and pools are the
 * generation in force. The error, with sfw_last_error(). */
static int commit_ids(const char *text, struct sfw_compiled *out)
{
	struct sfw_compiled c;
	struct sfw_conf conf;
	int err;

	conf_test_parse_ok(&conf, text);
	cr_assert_eq(sfw_conf_compile(&conf, &c), 0, "compile: %s", sfw_last_error());
	err = sfw_nat_ids_assign(t, &c, sessions, NULL);
	if (!err) {
		for (int k = 0; k < SFW_NAT_IDS_KINDS; k++)
			memset(t->kind[k].live, 0, sizeof(t->kind[k].live));
		for (int i = 0; i < c.n_nat_entries; i++)
			if (c.nat_entries[i].k.list.stage == SFW_NAT_SOURCE)
				t->rules.live[c.nat_entries[i].v.rule_id] = true;
			else if (c.nat_entries[i].k.list.stage == SFW_NAT_DESTINATION)
				t->drules.live[c.nat_entries[i].v.rule_id] = true;
		for (int i = 0; i < c.n_nat_pools; i++)
			(c.nat_pools[i].k.kind == SFW_NAT_POOL_SOURCE ? &t->pools : &t->dpools)
				->live[c.nat_pools[i].k.id] = true;
	}
	if (out)
		*out = c;
	else
		sfw_compiled_free(&c);
	sfw_conf_free(&conf);
	return err;
}

static void commit_ok(const char *text)
{
	for (int k = 0; k < SFW_NAT_IDS_KINDS; k++)
		memset(t->kind[k].given, 0, sizeof(t->kind[k].given));
	cr_assert_eq(commit_ids(text, NULL), 0, "%s", sfw_last_error());
}

#endif
