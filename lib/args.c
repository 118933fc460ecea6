// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - numbers from the command line; see args.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

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
