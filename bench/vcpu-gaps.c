// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu-gaps - how long a CPU's clock jumps while a thread on it only reads
 * the clock: time in which that thread did not run.  For judging a latency
 * benchmark's harness, not a scheduler: run it on a CPU kept free of other
 * load (stress the others).  A gap is then the machine's, or the kernel's
 * if it switched away from the thread; it counts those switches
 * (involuntary context switches), so that the two can be told apart.
 * Under qemu's TCG with one host thread for all vCPUs (vm/vmtest -s or
 * -i), the vCPUs take turns, and a wakeup that is handled on one vCPU
 * waits for the other vCPUs' turns when its own ends midway.
 *
 * Prints one JSON object: the gaps, the share of the time lost to them,
 * the involuntary switches meanwhile, the median and the longest gap (of
 * the first 100000); asserts nothing.
 *
 * usage: vcpu-gaps [-c CPU] [-d SECONDS] [-g MICROSECONDS]
 *   -c  the CPU to spin on (default 0)
 *   -d  how long (default 2)
 *   -g  count a gap from this long on (default 100)
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_GAPS	100000

static long long gaps[MAX_GAPS];

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-c CPU] [-d SECONDS] [-g MICROSECONDS]\n",
		prog);
	exit(2);
}

/* -@flag's value @s: a whole number from @min to @max, or exit 2 saying so. */
static long number(char flag, const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max) {
		fprintf(stderr, "vcpu-gaps: -%c: '%s' is not a whole number from %ld to %ld\n",
			flag, s, min, max);
		exit(2);
	}
	return v;
}

static long involuntary_switches(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? -1 : ru.ru_nivcsw;
}

int main(int argc, char **argv)
{
	long long start, end, t, prev, gap_ns = 100000, spent = 0;
	long cpu = 0, secs = 2, n = 0, stored = 0, switches;
	cpu_set_t set;
	int o;

	while ((o = getopt(argc, argv, "c:d:g:")) != -1) {
		switch (o) {
		case 'c': cpu = number('c', optarg, 0, CPU_SETSIZE - 1); break;
		case 'd': secs = number('d', optarg, 1, 3600); break;
		case 'g': gap_ns = number('g', optarg, 1, 1000000) * 1000LL; break;
		default: usage(argv[0]);
		}
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "vcpu-gaps: cannot pin to CPU %ld: ", cpu);
		perror(NULL);
		return 1;
	}
	switches = involuntary_switches();
	start = prev = now_ns();
	end = start + secs * 1000000000LL;
	do {
		t = now_ns();
		if (t - prev >= gap_ns) {
			n++;
			spent += t - prev;
			if (stored < MAX_GAPS)
				gaps[stored++] = t - prev;
		}
		prev = t;
	} while (t < end);
	switches = involuntary_switches() - switches;
	qsort(gaps, stored, sizeof(gaps[0]), cmp);
	printf("{\"cpu\":%ld,\"seconds\":%ld,\"gap_us\":%lld,\"gaps\":%ld,"
	       "\"lost_share\":%.4f,\"preempted\":%ld", cpu, secs,
	       gap_ns / 1000, n, (double)spent / (t - start), switches);
	if (stored)
		printf(",\"p50_us\":%.1f,\"max_us\":%.1f",
		       gaps[stored / 2] / 1000.0, gaps[stored - 1] / 1000.0);
	printf("}\n");
	return 0;
}
