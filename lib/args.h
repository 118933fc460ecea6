/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args.h - numbers from the command line, checked: a whole number or a
 * finite number of seconds, in range.  A bad one is reported with
 * reflex_fail() naming the flag, the value and the range; an option
 * getopt_long() refused, naming the option.
 */
#ifndef __REFLEX_ARGS_H
#define __REFLEX_ARGS_H

#include <getopt.h>
#include <linux/types.h>

/* A whole number in [@lo, @hi] for @flag ("-c"); 0 or -1 after reporting. */
int reflex_arg_u64(const char *flag, const char *arg, __u64 lo, __u64 hi,
		   __u64 *val);

/* A finite number of seconds in [@lo, @hi]; 0 or -1 after reporting. */
int reflex_arg_seconds(const char *flag, const char *arg, double lo,
		       double hi, double *val);

/*
 * The option getopt_long() just returned as @c, named as it was given:
 * "--NAME" if it matched the long option at *@longindex, "-C" if not.
 * *@longindex is set to -1 for the next call.  Valid until the next call.
 */
const char *reflex_arg_flag(const struct option *opts, int *longindex, int c);

/*
 * getopt_long() returned ':' or '?' (opterr 0, an optstring that starts
 * with ':'): report the option as it was given, in one line, with a
 * pointer to --help.  Returns 2, the exit status of a usage error.
 */
int reflex_arg_refused(int c, char *const argv[], const struct option *opts);

#endif /* __REFLEX_ARGS_H */
