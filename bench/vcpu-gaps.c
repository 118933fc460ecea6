// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu-gaps - how long a CPU's clock jumps while a thread on it only reads
 * the clock: the time that CPU did not run at all.  For judging a latency
 * benchmark's harness, not a scheduler: run it on a CPU that nothing else
 * is allowed on (stress the others), and every gap it sees was the
 * machine's, not the kernel's.  Under qemu's TCG with one host thread for
 * all vCPUs (vm/vmtest -s or -i), the vCPUs take turns, and a wakeup that
 * is handled on one vCPU waits for the other vCPUs' turns when its own
 * ends midway.  Prints one JSON object; asserts nothing.
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

int main(int argc, char **argv)
{
	long long end, t, prev, gap_ns = 100000, spent = 0;
	int cpu = 0, secs = 2, n = 0, o;
	cpu_set_t set;

	while ((o = getopt(argc, argv, "c:d:g:")) != -1) {
		switch (o) {
		case 'c': cpu = atoi(optarg); break;
		case 'd': secs = atoi(optarg); break;
		case 'g': gap_ns = atoll(optarg) * 1000; break;
		default: usage(argv[0]);
		}
	}
	if (cpu < 0 || secs < 1 || gap_ns < 1000)
		usage(argv[0]);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "vcpu-gaps: cannot pin to CPU %d: ", cpu);
		perror(NULL);
		return 1;
	}
	prev = now_ns();
	end = prev + secs * 1000000000LL;
	while ((t = now_ns()) < end) {
		if (t - prev >= gap_ns && n < MAX_GAPS) {
			gaps[n++] = t - prev;
			spent += t - prev;
		}
		prev = t;
	}
	qsort(gaps, n, sizeof(gaps[0]), cmp);
	printf("{\"cpu\":%d,\"seconds\":%d,\"gap_us\":%lld,\"gaps\":%d,"
	       "\"lost_share\":%.4f", cpu, secs, gap_ns / 1000, n,
	       (double)spent / (secs * 1000000000.0));
	if (n)
		printf(",\"p50_us\":%.1f,\"max_us\":%.1f", gaps[n / 2] / 1000.0,
		       gaps[n - 1] / 1000.0);
	printf("}\n");
	return 0;
}
