// SPDX-License-Identifier: GPL-2.0
/*
 * input-latency - end-to-end latency of the input event pipeline: from a
 * uinput write (the kernel's input_event() stamps the record) to the
 * moment a consumer of the pinned rings has the record in hand.
 * Prints one line of percentiles; asserts nothing.
 *
 * usage: input-latency [-n EVENTS] [-r HZ] [-l LABEL]
 *   -n  events to measure (default 2000)
 *   -r  events per second (default 1000)
 *   -l  label printed in front of the numbers
 *
 * A writer thread (pinned to CPU 0) writes EV_REL events into its own
 * uinput device at the given rate; the main thread consumes the 16 pinned
 * rings of a running scx_reflex (or of its input hooks alone) through one
 * epoll set, exactly as reflex-events does, and takes CLOCK_MONOTONIC when
 * each record of its device arrives.  Latency = arrival - the record's
 * ts_ns.  Needs root, uinput, and scx_reflex pinned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/uinput.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <reflex/abi.h>
#include "pins.h"
#include "report.h"

static long nr_events = 2000, rate = 1000, nr_lat;
static long long *lat;
static int ufd, dev_no;
static atomic_int writer_done;
static __u64 dropped_start;
static int counts_fd;

static void die(const char *what, int err)
{
	fprintf(stderr, "input-latency: %s: %s\n", what, strerror(err));
	exit(1);
}

static void make_device(void)
{
	struct uinput_setup us = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x7265, .product = 0x3000 },
		.name = "reflex-latency",
	};
	char sys[64];

	ufd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (ufd < 0)
		die("open /dev/uinput (modprobe uinput?)", errno);
	if (ioctl(ufd, UI_SET_EVBIT, EV_REL) || ioctl(ufd, UI_SET_RELBIT, REL_X) ||
	    ioctl(ufd, UI_DEV_SETUP, &us) || ioctl(ufd, UI_DEV_CREATE) ||
	    ioctl(ufd, UI_GET_SYSNAME(sizeof(sys)), sys) < 0 ||
	    sscanf(sys, "input%d", &dev_no) != 1)
		die("set up the uinput device", errno);
}

static void *writer(void *arg)
{
	struct input_event ev = { .type = EV_REL, .code = REL_X, .value = 1 };
	long long period = 1000000000LL / rate, next = (long long)reflex_now_ns();
	struct timespec ts;
	cpu_set_t set;
	long i;

	(void)arg;
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	for (i = 0; i < nr_events; i++) {
		next += period;
		ts.tv_sec = next / 1000000000LL;
		ts.tv_nsec = next % 1000000000LL;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (write(ufd, &ev, sizeof(ev)) != sizeof(ev))
			die("write to uinput", errno);
	}
	writer_done = 1;
	return NULL;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct reflex_input_event *e = data;
	long long t = (long long)reflex_now_ns();

	(void)ctx;
	if (size < sizeof(*e) || e->dev != (__u32)dev_no || e->type != EV_REL)
		return 0;
	if (nr_lat < nr_events)
		lat[nr_lat++] = t - (long long)e->ts_ns;
	return 0;
}

static __u64 dropped(void)
{
	struct reflex_ring_counts c;
	__u64 d = 0;
	__u32 r;

	for (r = 0; r < REFLEX_NR_EVENT_RINGS; r++)
		if (!bpf_map_lookup_elem(counts_fd, &r, &c))
			d += c.dropped;
	return d;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static double pct_us(double p)
{
	return nr_lat ? lat[(long)(p / 100 * (nr_lat - 1) + 0.5)] / 1000.0 : 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	const char *label = "";
	long long quiet_since = 0;
	pthread_t w;
	int c, r, fd;

	while ((c = getopt(argc, argv, "n:r:l:")) != -1) {
		switch (c) {
		case 'n': nr_events = atol(optarg); break;
		case 'r': rate = atol(optarg); break;
		case 'l': label = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-n EVENTS] [-r HZ] [-l LABEL]\n", argv[0]);
			return 2;
		}
	}
	if (nr_events < 1 || rate < 1 || rate > 100000)
		die("arguments", EINVAL);
	lat = calloc(nr_events, sizeof(*lat));
	if (!lat)
		die("calloc", ENOMEM);

	reflex_report_init("input-latency", false, false);
	if (reflex_rings_lock() < 0)
		return 1;
	counts_fd = reflex_map_open(REFLEX_M_EVENT_COUNTS, 0, NULL);
	if (counts_fd < 0)
		return 1;
	for (r = 0; r < REFLEX_NR_EVENT_RINGS; r++) {
		fd = reflex_ring_open(r);
		if (fd < 0)
			return 1;
		if (!rb)
			rb = ring_buffer__new(fd, on_event, NULL, NULL);
		else if (ring_buffer__add(rb, fd, on_event, NULL))
			die("ring_buffer__add", errno);
		if (!rb)
			die("ring_buffer__new", errno);
	}
	make_device();
	while (ring_buffer__consume(rb) > 0)
		;	/* older records are not ours to time */
	dropped_start = dropped();
	if (pthread_create(&w, NULL, writer, NULL))
		die("pthread_create", errno);
	for (;;) {
		if (ring_buffer__poll(rb, 100) < 0 && errno != EINTR)
			die("ring_buffer__poll", errno);
		if (nr_lat == nr_events)
			break;
		if (writer_done) {
			if (!quiet_since)
				quiet_since = (long long)reflex_now_ns();
			else if ((long long)reflex_now_ns() - quiet_since > 2000000000LL)
				break;	/* the rest were dropped */
		}
	}
	pthread_join(w, NULL);
	ioctl(ufd, UI_DEV_DESTROY);
	qsort(lat, nr_lat, sizeof(*lat), cmp_ll);
	printf("%-28s n=%-6ld p50 %8.1f us  p99 %8.1f us  p99.9 %8.1f us  max %8.1f us  dropped %llu\n",
	       label, nr_lat, pct_us(50), pct_us(99), pct_us(99.9),
	       nr_lat ? lat[nr_lat - 1] / 1000.0 : 0,
	       (unsigned long long)(dropped() - dropped_start));
	return 0;
}
