// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf - what one shared ring buffer and 16 per-CPU ones cost, and what
 * they lose when the consumer stalls.  Prints tables; asserts nothing.
 *
 * usage: ringbuf [-o OBJECT] [-n EVENTS] [-r RUNS] [-p PRODUCERS]
 *   -o  the benchmark object (default: bench/ringbuf.bpf.o next to this)
 *   -n  records per producer per run (default 4000: every variant holds
 *       them all without a consumer, so nothing is dropped while timing)
 *   -r  runs per cell; the median is printed (default 7)
 *   -p  up to this many concurrent producers (default: the CPU count)
 *
 * Producer i is a thread pinned to CPU i that runs the variant's raw_tp
 * program once with BPF_PROG_TEST_RUN on that CPU; the program writes n
 * records in a bpf_loop.  ns/record is that call's wall time over n, for
 * each producer, averaged; the total rate is all records over the time
 * from the first start to the last end.  The rings are drained between
 * runs, outside the timed part.
 *
 * The stall test writes with no consumer at all: CPU 0 floods FLOOD
 * records, then every other CPU writes VICTIM records, and the drops of
 * each are read from event_counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <reflex/abi.h>
#include "report.h"

#define MAX_PRODUCERS	64
#define FLOOD		100000
#define VICTIM		1000

static const char *const variants[] = { "bench_single", "bench_switch", "bench_aom" };
static const char *const labels[] = {
	"1 shared ring (4 MiB)",
	"16 rings, switch",
	"16 rings, array of maps",
};
#define NR_VARIANTS	3

static struct bpf_object *obj;
static struct ring_buffer *rb;
static int prog_fd[NR_VARIANTS], counts_fd;
static long nr_records = 4000;

static void die(const char *what, int err)
{
	fprintf(stderr, "ringbuf: %s: %s\n", what, strerror(err));
	exit(1);
}

static int count_record(void *ctx, void *data, size_t size)
{
	(void)ctx; (void)data; (void)size;
	return 0;
}

static void drain(void)
{
	while (ring_buffer__consume(rb) > 0)
		;
}

static __u64 total_dropped(__u32 ring)
{
	struct reflex_ring_counts c;

	if (bpf_map_lookup_elem(counts_fd, &ring, &c))
		die("read event_counts", errno);
	return c.dropped;
}

static __u64 all_dropped(void)
{
	__u64 d = 0;
	__u32 r;

	for (r = 0; r < REFLEX_NR_EVENT_RINGS; r++)
		d += total_dropped(r);
	return d;
}

/* Run variant @v on @cpu, writing @n records; returns the wall time. */
static long long produce(int v, int cpu, __u64 n)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.ctx_in = &n, .ctx_size_in = sizeof(n),
		.flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);
	long long t = (long long)reflex_now_ns();

	if (bpf_prog_test_run_opts(prog_fd[v], &opts))
		die("BPF_PROG_TEST_RUN", errno);
	return (long long)reflex_now_ns() - t;
}

struct producer {
	pthread_t thread;
	int v, cpu;
	long long start, end;
};

static pthread_barrier_t barrier;

static void *producer_main(void *arg)
{
	struct producer *p = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_barrier_wait(&barrier);
	p->start = (long long)reflex_now_ns();
	produce(p->v, p->cpu, nr_records);
	p->end = (long long)reflex_now_ns();
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One cell of the table: variant @v, @np producers, @runs runs. */
static void measure(int v, int np, int runs)
{
	double ns[64], rate[64];
	struct producer p[MAX_PRODUCERS];
	__u64 drops = all_dropped();
	int r, i;

	for (r = 0; r < runs; r++) {
		long long first = 0, last = 0;
		double sum = 0;

		drain();
		pthread_barrier_init(&barrier, NULL, np);
		for (i = 0; i < np; i++) {
			p[i].v = v;
			p[i].cpu = i;
			if (pthread_create(&p[i].thread, NULL, producer_main, &p[i]))
				die("pthread_create", errno);
		}
		for (i = 0; i < np; i++) {
			pthread_join(p[i].thread, NULL);
			sum += (double)(p[i].end - p[i].start) / nr_records;
			if (!i || p[i].start < first)
				first = p[i].start;
			if (!i || p[i].end > last)
				last = p[i].end;
		}
		pthread_barrier_destroy(&barrier);
		ns[r] = sum / np;
		rate[r] = (double)np * nr_records / ((last - first) / 1e9) / 1e6;
	}
	drain();
	printf("| %-24s | %9d | %10.1f | %14.2f | %5llu |\n", labels[v], np,
	       median(ns, runs), median(rate, runs),
	       (unsigned long long)(all_dropped() - drops));
}

/* No consumer: CPU 0 floods, then the others write; who lost what. */
static void stall(int v, int ncpu)
{
	__u64 before[REFLEX_NR_EVENT_RINGS], flood_lost, victims_lost = 0;
	int cpu;

	drain();
	for (cpu = 0; cpu < REFLEX_NR_EVENT_RINGS; cpu++)
		before[cpu] = total_dropped(cpu);
	produce(v, 0, FLOOD);
	for (cpu = 1; cpu < ncpu; cpu++)
		produce(v, cpu, VICTIM);
	flood_lost = total_dropped(0) - before[0];
	for (cpu = 1; cpu < ncpu && cpu < REFLEX_NR_EVENT_RINGS; cpu++)
		victims_lost += total_dropped(cpu) - before[cpu];
	printf("| %-24s | %8llu of %6d | %8llu of %6d |\n", labels[v],
	       (unsigned long long)flood_lost, FLOOD,
	       (unsigned long long)victims_lost, VICTIM * (ncpu - 1));
	drain();
}

static void open_object(const char *path)
{
	char name[32];
	int i, fd, err;

	libbpf_set_print(NULL);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		die(path, errno);
	err = bpf_object__load(obj);
	if (err)
		die("load the benchmark object", -err);
	for (i = 0; i < NR_VARIANTS; i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(obj, variants[i]);

		if (!p)
			die(variants[i], ENOENT);
		prog_fd[i] = bpf_program__fd(p);
	}
	counts_fd = bpf_object__find_map_fd_by_name(obj, "event_counts");
	/* Every ring any variant writes: the scheduler's, aom's, the single. */
	for (i = 0; i < 2 * REFLEX_NR_EVENT_RINGS + 1; i++) {
		if (i < REFLEX_NR_EVENT_RINGS)
			snprintf(name, sizeof(name), REFLEX_MAP_EVENTS_FMT, i);
		else if (i < 2 * REFLEX_NR_EVENT_RINGS)
			snprintf(name, sizeof(name), "aom_%02d",
				 i - REFLEX_NR_EVENT_RINGS);
		else
			snprintf(name, sizeof(name), "single_ring");
		fd = bpf_object__find_map_fd_by_name(obj, name);
		if (fd < 0)
			die(name, ENOENT);
		if (!rb)
			rb = ring_buffer__new(fd, count_record, NULL, NULL);
		else if (ring_buffer__add(rb, fd, count_record, NULL))
			die("ring_buffer__add", errno);
		if (!rb)
			die("ring_buffer__new", errno);
	}
}

int main(int argc, char **argv)
{
	char def[4096], *slash;
	const char *path = NULL;
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), maxp = 0, runs = 7;
	int c, v, np;

	while ((c = getopt(argc, argv, "o:n:r:p:")) != -1) {
		switch (c) {
		case 'o': path = optarg; break;
		case 'n': nr_records = atol(optarg); break;
		case 'r': runs = atoi(optarg); break;
		case 'p': maxp = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-o OBJECT] [-n EVENTS] [-r RUNS] [-p PRODUCERS]\n",
				argv[0]);
			return 2;
		}
	}
	if (!path) {
		snprintf(def, sizeof(def) - 16, "%s", argv[0]);
		slash = strrchr(def, '/');
		strcpy(slash ? slash + 1 : def, "ringbuf.bpf.o");
		path = def;
	}
	if (!maxp || maxp > ncpu)
		maxp = ncpu;
	if (maxp > MAX_PRODUCERS || runs < 1 || runs > 64 || nr_records < 1)
		die("arguments", EINVAL);
	open_object(path);

	printf("ringbuf: %d CPUs, %ld records of %zu bytes per producer per run, median of %d runs\n\n",
	       ncpu, nr_records, sizeof(struct reflex_input_event), runs);
	printf("| %-24s | %9s | %10s | %14s | %5s |\n", "variant", "producers",
	       "ns/record", "total Mrec/s", "drops");
	printf("|%s|%s|%s|%s|%s|\n", "--------------------------", "-----------",
	       "------------", "----------------", "-------");
	for (np = 1; np <= maxp; np++)
		for (v = 0; v < NR_VARIANTS; v++)
			measure(v, np, runs);
	if (ncpu < 2)
		return 0;
	printf("\nconsumer stalled: CPU 0 writes %d records, then CPUs 1..%d write %d each\n\n",
	       FLOOD, ncpu - 1, VICTIM);
	printf("| %-24s | %18s | %18s |\n", "variant", "CPU 0 lost", "other CPUs lost");
	printf("|--------------------------|--------------------|--------------------|\n");
	for (v = 0; v < NR_VARIANTS; v++)
		stall(v, ncpu);
	return 0;
}
