// SPDX-License-Identifier: GPL-2.0
/*
 * uinput-inject - create uinput devices and write input events into them
 * from threads pinned to different CPUs, while one thread reads them back
 * through evdev and another just burns CPU.  For the input pipeline tests
 * and benchmarks.
 *
 * usage: uinput-inject [-t THREADS] [-n EVENTS] [-r HZ] [-b BURST] [-l [-o FILE]]
 *   -t  writer threads, one uinput device each, thread i pinned to CPU
 *       i % nproc (default 4)
 *   -n  events per thread, EV_SYN included (default 250)
 *   -r  write rate per thread in events per second (default 1000)
 *   -b  write in bursts of this many events at the rate, with a pause of
 *       the same length between bursts (default 0: no bursts)
 *   -l  latency mode: one writer on CPU 0 writing EVENTS pointer reports
 *       (motion + sync in one write); the reader records, for each, the
 *       time from the kernel taking the report to read() returning it,
 *       and the JSON gains "latency_ns" percentiles
 *   -o  with -l, also write every sample (ns, one per line, in the order
 *       taken) to FILE, for plots
 *
 * After each read the reader hands the events on to a worker thread
 * through a pipe, as a game's input thread wakes its render thread.
 *
 * Every struct input_event written counts as one event: the kernel's
 * input_event() sees each of them once.  At the end it prints one JSON
 * object: the devices (inputN, CPU, events written), the thread ids of the
 * reader, the worker and the busy thread, and how many events the reader
 * got.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/uinput.h>

#define MAX_THREADS	64
#define VENDOR		0x7265	/* "re" */
#define READ_GRACE_NS	(5 * 1000000000LL)

struct writer {
	pthread_t thread;
	int fd, cpu, dev;
	char node[300];
	long written;
};

static struct writer writers[MAX_THREADS];
static int nr_threads = 4, burst, latency_mode;
static long nr_events = 250, rate = 1000;
static atomic_int writers_done, reader_tid, busy_tid, worker_tid;
static int handoff[2];		/* reader -> worker pipe */
static atomic_long nr_read;
static long long *lat;		/* -l: write-to-read latency per event */
static long nr_lat;

static void die(const char *what)
{
	fprintf(stderr, "uinput-inject: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		die("pthread_setaffinity_np");
}

/* A uinput device with keys, a button and relative axes. */
static void create_device(struct writer *w, int i)
{
	struct uinput_setup us = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = VENDOR,
			.product = 0x1000 + i, .version = 1 },
	};
	char sys[64], dir[128];
	struct dirent *e;
	DIR *d;

	w->fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (w->fd < 0)
		die("open /dev/uinput (modprobe uinput?)");
	snprintf(us.name, sizeof(us.name), "reflex-test-%d", i);
	if (ioctl(w->fd, UI_SET_EVBIT, EV_KEY) || ioctl(w->fd, UI_SET_EVBIT, EV_REL) ||
	    ioctl(w->fd, UI_SET_KEYBIT, KEY_A) || ioctl(w->fd, UI_SET_KEYBIT, BTN_LEFT) ||
	    ioctl(w->fd, UI_SET_RELBIT, REL_X) || ioctl(w->fd, UI_SET_RELBIT, REL_Y) ||
	    ioctl(w->fd, UI_DEV_SETUP, &us) || ioctl(w->fd, UI_DEV_CREATE))
		die("set up the uinput device");
	if (ioctl(w->fd, UI_GET_SYSNAME(sizeof(sys)), sys) < 0)
		die("UI_GET_SYSNAME");
	if (sscanf(sys, "input%d", &w->dev) != 1) {
		errno = EINVAL;
		die("parse the device name");
	}
	snprintf(dir, sizeof(dir), "/sys/class/input/%s", sys);
	d = opendir(dir);
	if (!d)
		die(dir);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "event", 5))
			snprintf(w->node, sizeof(w->node), "/dev/input/%s", e->d_name);
	closedir(d);
	if (!w->node[0]) {
		errno = ENOENT;
		die("find the device's event node");
	}
}

static void emit(struct writer *w, int type, int code, int value)
{
	struct input_event ev = { .type = type, .code = code, .value = value };

	if (write(w->fd, &ev, sizeof(ev)) != sizeof(ev))
		die("write to uinput");
	w->written++;
}

/*
 * The n-th event of a cycle of six: key press, sync, key release, sync,
 * pointer motion, sync.  Every one of them changes the device's state, so
 * the input core passes all of them on to evdev.
 */
static void emit_nth(struct writer *w, long n)
{
	switch (n % 6) {
	case 0: emit(w, EV_KEY, KEY_A, 1); break;
	case 2: emit(w, EV_KEY, KEY_A, 0); break;
	case 4: emit(w, EV_REL, REL_X, 1); break;
	default: emit(w, EV_SYN, SYN_REPORT, 0); break;
	}
}

/*
 * -l: one pointer report per period, motion and sync in one write as a
 * mouse delivers them, so that the reader can have it at once; the
 * motion event's timestamp is when the kernel took the report.
 */
static void emit_report(struct writer *w)
{
	struct input_event ev[2] = {
		{ .type = EV_REL, .code = REL_X, .value = 1 },
		{ .type = EV_SYN, .code = SYN_REPORT },
	};

	if (write(w->fd, ev, sizeof(ev)) != sizeof(ev))
		die("write to uinput");
	w->written += 2;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	long long period = 1000000000LL / rate, next = now_ns();
	struct timespec ts;
	long n;

	pin_to(w->cpu);
	for (n = 0; n < nr_events; n++) {
		if (burst && n && n % burst == 0)
			next += burst * period;	/* pause between bursts */
		next += period;
		ts.tv_sec = next / 1000000000LL;
		ts.tv_nsec = next % 1000000000LL;
		/* pacing, not synchronisation */
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		if (latency_mode)
			emit_report(w);
		else
			emit_nth(w, n);
	}
	atomic_fetch_add(&writers_done, 1);
	return NULL;
}

/* Read every device through evdev until all writers are done and quiet. */
static void *reader_main(void *arg)
{
	struct pollfd pfd[MAX_THREADS];
	struct input_event ev[64];
	long long quiet_since = 0;
	int i;

	(void)arg;
	reader_tid = syscall(SYS_gettid);
	for (i = 0; i < nr_threads; i++) {
		int clk = CLOCK_MONOTONIC;

		pfd[i].fd = open(writers[i].node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		pfd[i].events = POLLIN;
		if (pfd[i].fd < 0)
			die(writers[i].node);
		/* event timestamps on our clock, not the wall clock */
		if (ioctl(pfd[i].fd, EVIOCSCLOCKID, &clk))
			die("EVIOCSCLOCKID");
	}
	for (;;) {
		int n = poll(pfd, nr_threads, 100);

		if (n < 0 && errno != EINTR)
			die("poll");
		for (i = 0; i < nr_threads; i++) {
			ssize_t r;

			if (!(pfd[i].revents & POLLIN))
				continue;
			r = read(pfd[i].fd, ev, sizeof(ev));
			if (r <= 0)
				continue;
			r /= sizeof(ev[0]);
			atomic_fetch_add(&nr_read, r);
			if (!latency_mode && write(handoff[1], "e", 1) != 1)
				die("write to the worker");
			if (latency_mode) {
				long long t = now_ns();
				int k;

				for (k = 0; k < r && nr_lat < nr_events; k++)
					if (ev[k].type == EV_REL)
						lat[nr_lat++] = t -
							(ev[k].input_event_sec * 1000000000LL +
							 ev[k].input_event_usec * 1000LL);
			}
		}
		if (atomic_load(&writers_done) == nr_threads) {
			if (!quiet_since)
				quiet_since = now_ns();
			if (n == 0 || now_ns() - quiet_since > READ_GRACE_NS)
				break;
		}
	}
	for (i = 0; i < nr_threads; i++)
		close(pfd[i].fd);
	close(handoff[1]);	/* the worker sees EOF */
	return NULL;
}

/* Woken by the reader after each read, in the reader's own context. */
static void *worker_main(void *arg)
{
	char buf[64];

	(void)arg;
	worker_tid = syscall(SYS_gettid);
	while (read(handoff[0], buf, sizeof(buf)) > 0)
		;
	return NULL;
}

static void *busy_main(void *arg)
{
	volatile unsigned long spin = 0;

	(void)arg;
	busy_tid = syscall(SYS_gettid);
	while (atomic_load(&writers_done) < nr_threads)
		spin++;
	return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long pct(double p)
{
	long i = (long)(p / 100.0 * (nr_lat - 1) + 0.5);

	return nr_lat ? lat[i] : 0;
}

int main(int argc, char **argv)
{
	pthread_t reader, busy, worker;
	const char *samples = NULL;
	long total = 0;
	int c, i, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	FILE *f;

	while ((c = getopt(argc, argv, "t:n:r:b:lo:")) != -1) {
		switch (c) {
		case 't': nr_threads = atoi(optarg); break;
		case 'n': nr_events = atol(optarg); break;
		case 'r': rate = atol(optarg); break;
		case 'b': burst = atoi(optarg); break;
		case 'l': latency_mode = 1; break;
		case 'o': samples = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-t THREADS] [-n EVENTS] [-r HZ] [-b BURST] [-l [-o FILE]]\n",
				argv[0]);
			return 2;
		}
	}
	if (latency_mode)
		nr_threads = 1;
	if (nr_threads < 1 || nr_threads > MAX_THREADS || nr_events < 1 ||
	    rate < 1 || rate > 1000000 || burst < 0) {
		fprintf(stderr, "uinput-inject: bad arguments\n");
		return 2;
	}
	lat = calloc(nr_events, sizeof(*lat));
	if (!lat)
		die("calloc");
	for (i = 0; i < nr_threads; i++) {
		writers[i].cpu = i % ncpu;
		create_device(&writers[i], i);
	}
	if (pipe2(handoff, O_CLOEXEC))
		die("pipe2");
	/* -l times the reader alone: no worker to wake, no CPU burner. */
	if (pthread_create(&reader, NULL, reader_main, NULL) ||
	    (!latency_mode &&
	     (pthread_create(&worker, NULL, worker_main, NULL) ||
	      pthread_create(&busy, NULL, busy_main, NULL))))
		die("pthread_create");
	while (!atomic_load(&reader_tid) ||
	       (!latency_mode && (!atomic_load(&busy_tid) ||
				  !atomic_load(&worker_tid))))
		sched_yield();	/* all are up before any event */
	for (i = 0; i < nr_threads; i++)
		if (pthread_create(&writers[i].thread, NULL, writer_main, &writers[i]))
			die("pthread_create");
	for (i = 0; i < nr_threads; i++)
		pthread_join(writers[i].thread, NULL);
	pthread_join(reader, NULL);
	if (!latency_mode) {
		pthread_join(worker, NULL);
		pthread_join(busy, NULL);
	}

	printf("{\"devices\":[");
	for (i = 0; i < nr_threads; i++) {
		printf("%s{\"dev\":%d,\"cpu\":%d,\"written\":%ld}", i ? "," : "",
		       writers[i].dev, writers[i].cpu, writers[i].written);
		total += writers[i].written;
		ioctl(writers[i].fd, UI_DEV_DESTROY);
		close(writers[i].fd);
	}
	printf("],\"reader_tid\":%d,\"worker_tid\":%d,\"busy_tid\":%d,\"written\":%ld,\"read\":%ld",
	       reader_tid, worker_tid, busy_tid, total, atomic_load(&nr_read));
	if (latency_mode && samples) {
		f = fopen(samples, "we");
		if (!f)
			die(samples);
		for (i = 0; i < nr_lat; i++)
			fprintf(f, "%lld\n", lat[i]);
		fclose(f);
	}
	if (latency_mode) {
		qsort(lat, nr_lat, sizeof(*lat), cmp_ll);
		printf(",\"latency_ns\":{\"samples\":%ld,\"p50\":%lld,\"p99\":%lld,\"p999\":%lld,\"max\":%lld}",
		       nr_lat, pct(50), pct(99), pct(99.9), nr_lat ? lat[nr_lat - 1] : 0);
	}
	printf("}\n");
	free(lat);
	return 0;
}
