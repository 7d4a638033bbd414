/* Libraries loaded on first use (util/lazylib.h): a library that is not
 * there, or lacks a function, is one error line naming it and a table left
 * empty, never a crash at the first call; a present one fills every slot
 * once. (That sfw's own tables resolve is tested by their commands' tests:
 * test_ha_codec, test_metrics.sh, test_cli_shell.sh, test_conf_commit.) */
#include <math.h>
#include <string.h>
#include <criterion/criterion.h>
#include "err.h"
#include "lazylib.h"

#define LIBM_FNS(X) X(, cos) X(, sqrt)
#define LIBM_BAD(X) X(, cos) X(sfw_, no_such_function)

double sfw_no_such_function(double);

/* At file scope, as in sfw: the name list is a static compound literal. */
static struct { LIBM_FNS(SFW_LAZY_FN) } libm, absent;
static struct { LIBM_BAD(SFW_LAZY_FN) } lacking;
static struct sfw_lazylib libm_lib = SFW_LAZYLIB("libm.so.6", libm, LIBM_FNS);
static struct sfw_lazylib absent_lib = SFW_LAZYLIB("libsfw-not-there.so.9", absent, LIBM_FNS);
static struct sfw_lazylib lacking_lib = SFW_LAZYLIB("libm.so.6", lacking, LIBM_BAD);

Test(lazylib, fills_every_slot_once)
{
	cr_assert_eq(sfw_lazylib_load(&libm_lib), 0, "%s", sfw_last_error());
	cr_assert_float_eq(libm.sqrt(16.0), 4.0, 1e-9);
	cr_assert_float_eq(libm.cos(0.0), 1.0, 1e-9);
	cr_assert_eq(sfw_lazylib_load(&libm_lib), 0);
}

Test(lazylib, missing_library_is_an_error)
{
	cr_assert_lt(sfw_lazylib_load(&absent_lib), 0);
	cr_assert(strstr(sfw_last_error(), "cannot load libsfw-not-there.so.9: "), "%s",
		  sfw_last_error());
	cr_assert_null(strchr(sfw_last_error(), '\n'));
	cr_assert_null(absent.cos);
	/* tried again, failed again: no half-filled table is ever called */
	cr_assert_lt(sfw_lazylib_load(&absent_lib), 0);
	cr_assert_null(absent.sqrt);
}

Test(lazylib, missing_function_empties_the_table)
{
	cr_assert_lt(sfw_lazylib_load(&lacking_lib), 0);
	cr_assert_str_eq(sfw_last_error(), "libm.so.6 has no function sfw_no_such_function");
	cr_assert_null(lacking.cos, "a slot filled before the missing one is cleared");
	cr_assert_null(lacking.no_such_function);
}
