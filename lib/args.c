// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - numbers from the command line; see args.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "report.h"

int reflex_arg_u64(const char *flag, const char *arg, __u64 lo, __u64 hi,
		   __u64 *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	/* strtoull takes "-1" as ULLONG_MAX: only digits are a number here. */
	v = (*arg >= '0' && *arg <= '9') ? strtoull(arg, &end, 10) : 0;
	if (*arg < '0' || *arg > '9' || *end || errno || v < lo || v > hi) {
		reflex_fail("see --help", "%s: '%s' is not a whole number from %" PRIu64 " to %" PRIu64,
			    flag, arg, (uint64_t)lo, (uint64_t)hi);
		return -1;
	}
	*val = v;
	return 0;
}

int reflex_arg_seconds(const char *flag, const char *arg, double lo,
		       double hi, double *val)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end || errno || !isfinite(v) || v < lo || v > hi) {
		reflex_fail("see --help", "%s: '%s' is not a number of seconds from %g to %g",
			    flag, arg, lo, hi);
		return -1;
	}
	*val = v;
	return 0;
}

const char *reflex_arg_flag(const struct option *opts, int *longindex, int c)
{
	static char name[64];

	if (*longindex >= 0)
		snprintf(name, sizeof(name), "--%s", opts[*longindex].name);
	else
		snprintf(name, sizeof(name), "-%c", c);
	*longindex = -1;
	return name;
}

/*
 * The long option of @opts that "--NAME[=...]" @arg names: the one called
 * NAME, or the one NAME is a prefix of, as getopt_long() takes them; NULL
 * if there is none or NAME is a prefix of several (*@nr says how many).
 */
static const struct option *long_opt(const char *arg,
				     const struct option *opts, int *nr)
{
	size_t len = strcspn(arg + 2, "=");
	const struct option *found = NULL;

	*nr = 0;
	for (; opts->name; opts++) {
		if (strncmp(opts->name, arg + 2, len))
			continue;
		if (strlen(opts->name) == len) {
			*nr = 1;
			return opts;
		}
		found = opts;
		(*nr)++;
	}
	return *nr == 1 ? found : NULL;
}

int reflex_arg_refused(int c, char *const argv[], const struct option *opts)
{
	/* getopt_long() has stepped past a long option it refused. */
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	int len = strcspn(arg, "="), nr = 0;
	const struct option *o = NULL;

	if (!strncmp(arg, "--", 2))
		o = long_opt(arg, opts, &nr);
	if (c == ':' && o)
		reflex_fail("see --help", "%s needs a value", arg);
	else if (c == ':')
		reflex_fail("see --help", "-%c needs a value", optopt);
	else if (optopt && o && o->val == optopt && o->has_arg == no_argument)
		reflex_fail("see --help", "%.*s takes no value: '%s'", len, arg, arg);
	else if (optopt)
		reflex_fail("see --help", "unknown option '-%c'", optopt);
	else if (nr > 1)
		reflex_fail("see --help", "option '%.*s' is ambiguous", len, arg);
	else
		reflex_fail("see --help", "unknown option '%.*s'", len, arg);
	return 2;
}
