/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args.h - numbers from the command line, checked: a whole number or a
 * finite number of seconds, in range.  A bad one is reported with
 * reflex_fail() naming the flag, the value and the range.
 */
#ifndef __REFLEX_ARGS_H
#define __REFLEX_ARGS_H

#include <linux/types.h>

/* A whole number in [@lo, @hi] for @flag ("-c"); 0 or -1 after reporting. */
int reflex_arg_u64(const char *flag, const char *arg, __u64 lo, __u64 hi,
		   __u64 *val);

/* A finite number of seconds in [@lo, @hi]; 0 or -1 after reporting. */
int reflex_arg_seconds(const char *flag, const char *arg, double lo,
		       double hi, double *val);

#endif /* __REFLEX_ARGS_H */
