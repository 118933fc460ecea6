// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-events - print the input events scx_reflex writes to its 16
 * pinned ring buffers (maps/events_00 .. events_15).
 *
 * All 16 rings are read through one libbpf ring_buffer, that is one epoll
 * set.  Events are printed as they arrive, or with -m in timestamp order
 * across rings (held back REORDER_NS for late rings).  Events that were
 * already queued before the program started are skipped unless -a is
 * given.  Drops are not guessed: the BPF side counts every event a full
 * ring could not take (maps/event_counts), and this reports the increase
 * while it runs and in the summary at exit (SIGINT, SIGTERM, -c, -t).
 *
 * A ring buffer has one consumer position, so one reflex-events reads a
 * set of rings at a time; a second one is refused, naming the first.
 * Every second it checks that the pins it reads are still the pinned
 * ones: after `make unpin` (or a new `make pin`) it stops, or with -f
 * waits for scx_reflex to be pinned again and reads the new rings.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <reflex/abi.h>
#include <reflex/policy.h>
#include "args.h"
#include "json.h"
#include "pins.h"
#include "report.h"

#define NR_RINGS	REFLEX_NR_EVENT_RINGS
#define REORDER_NS	(10 * REFLEX_MS)	/* -m: wait this long for late rings */
#define MAX_SECONDS	(365 * 86400.0)		/* -t: a year at most */

static const char *prog_name = "reflex-events";

static struct {
	bool json, pretty, merge, all, quiet, follow;
	__u64 count;		/* stop after this many events; 0: never */
	double timeout;		/* stop after this many seconds; 0: never */
} opt;

static volatile sig_atomic_t stop;

static struct {
	__u64 received[NR_RINGS];
	__u64 printed;
	__u64 stale;		/* queued before we started; skipped */
	__u64 bad;		/* unknown version or size */
	__u64 start_ns;
	struct reflex_ring_counts start[NR_RINGS], last[NR_RINGS];
	__u64 dropped_before;	/* in the rings of earlier pins (-f) */
} st;

static struct json out;

/* -m: events waiting to be printed in timestamp order. */
static struct {
	struct reflex_input_event *v;
	size_t n, cap;
} held;

static const char *type_name(__u16 type)
{
	static const char *const names[] = {
		"EV_SYN", "EV_KEY", "EV_REL", "EV_ABS", "EV_MSC", "EV_SW",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "EV_OTHER";
}

static const char *class_name(__u16 class)
{
	static const char *const names[REFLEX_NR_CLASSES] = {
		[REFLEX_CLASS_OTHER] = "other",
		[REFLEX_CLASS_SYN] = "syn",
		[REFLEX_CLASS_KEY_PRESS] = "key_press",
		[REFLEX_CLASS_KEY_RELEASE] = "key_release",
		[REFLEX_CLASS_KEY_REPEAT] = "key_repeat",
		[REFLEX_CLASS_BTN_PRESS] = "button_press",
		[REFLEX_CLASS_BTN_RELEASE] = "button_release",
		[REFLEX_CLASS_REL_MOTION] = "motion",
		[REFLEX_CLASS_REL_WHEEL] = "wheel",
		[REFLEX_CLASS_REL_OTHER] = "rel_other",
		[REFLEX_CLASS_ABS] = "abs",
		[REFLEX_CLASS_MSC] = "msc",
	};

	return class < REFLEX_NR_CLASSES ? names[class] : "unknown";
}

static void print_event(const struct reflex_input_event *e)
{
	bool codes = e->flags & REFLEX_EVENT_F_CODES;

	if (!opt.json) {
		printf("%" PRIu64 ".%09" PRIu64 " cpu %-3u ring %-2u input%-3u %04x:%04x:%04x %-6s %s",
		       (uint64_t)e->ts_ns / 1000000000, (uint64_t)e->ts_ns % 1000000000,
		       e->cpu, e->ring, e->dev, e->bustype, e->vendor,
		       e->product, type_name(e->type), class_name(e->class));
		if (codes)
			printf(" code %u value %d", e->code, e->value);
		putchar('\n');
		return;
	}
	json_obj_begin(&out, NULL);
	json_u64(&out, "ts_ns", e->ts_ns);
	json_u64(&out, "cpu", e->cpu);
	json_u64(&out, "ring", e->ring);
	json_u64(&out, "seq", e->seq);
	json_u64(&out, "dev", e->dev);
	json_u64(&out, "bustype", e->bustype);
	json_u64(&out, "vendor", e->vendor);
	json_u64(&out, "product", e->product);
	json_str(&out, "type", type_name(e->type));
	json_u64(&out, "type_value", e->type);
	json_str(&out, "class", class_name(e->class));
	json_bool(&out, "codes", codes);
	json_u64(&out, "code", e->code);
	json_s64(&out, "value", e->value);
	json_obj_end(&out);
	json_finish(&out);
	json_init(&out, stdout, opt.pretty);
}

static int cmp_event(const void *a, const void *b)
{
	const struct reflex_input_event *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	if (x->ring != y->ring)
		return x->ring < y->ring ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* -m: print the held events older than @upto, in timestamp order. */
static void flush_held(__u64 upto)
{
	size_t i;

	qsort(held.v, held.n, sizeof(*held.v), cmp_event);
	for (i = 0; i < held.n && held.v[i].ts_ns <= upto; i++)
		print_event(&held.v[i]);
	memmove(held.v, held.v + i, (held.n - i) * sizeof(*held.v));
	held.n -= i;
}

static int hold(const struct reflex_input_event *e)
{
	if (held.n == held.cap) {
		size_t cap = held.cap ? 2 * held.cap : 1024;
		void *v = realloc(held.v, cap * sizeof(*held.v));

		if (!v)
			return -ENOMEM;
		held.v = v;
		held.cap = cap;
	}
	held.v[held.n++] = *e;
	return 0;
}

static __u64 total_received(void)
{
	__u64 n = 0;
	int i;

	for (i = 0; i < NR_RINGS; i++)
		n += st.received[i];
	return n;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct reflex_input_event *e = data;
	long ring = (long)ctx;

	if (size < sizeof(*e) || e->version != REFLEX_EVENT_VERSION ||
	    e->size != sizeof(*e)) {
		if (!st.bad++)
			reflex_fail("rebuild the tools with the pinned scheduler's version",
			     "ring %ld holds records of another format (version %u, %zu bytes)",
			     ring, size >= 4 ? e->version : 0, size);
		return 0;
	}
	if (!opt.all && e->ts_ns < st.start_ns) {
		st.stale++;
		return 0;
	}
	/*
	 * libbpf has consumed the record by now, whatever we return, so it
	 * is counted even when -c says not to print it.
	 */
	st.received[ring]++;
	if (opt.count && st.printed >= opt.count) {
		stop = 1;
		return -1;	/* -c reached: leave the rest in the rings */
	}
	if (++st.printed == opt.count)
		stop = 1;	/* this one is the last: print it, then stop */
	if (opt.merge)
		return hold(e);
	print_event(e);
	return 0;
}

static int read_counts(int fd, struct reflex_ring_counts *c)
{
	__u32 ring;

	for (ring = 0; ring < NR_RINGS; ring++)
		if (bpf_map_lookup_elem(fd, &ring, &c[ring]))
			return -errno;
	return 0;
}

/* Report rings whose drop counter moved since the last look. */
static void report_drops(int counts_fd)
{
	struct reflex_ring_counts now[NR_RINGS];
	int ring;

	if (read_counts(counts_fd, now))
		return;
	for (ring = 0; ring < NR_RINGS; ring++) {
		__u64 d = now[ring].dropped - st.last[ring].dropped;

		if (!d)
			continue;
		if (opt.json) {
			json_obj_begin(&out, NULL);
			json_u64(&out, "ring", ring);
			json_u64(&out, "dropped", d);
			json_obj_end(&out);
			json_finish(&out);
			json_init(&out, stdout, opt.pretty);
		} else {
			fprintf(stderr, "%s: ring %d was full: %llu events dropped\n",
				prog_name, ring, (unsigned long long)d);
		}
	}
	memcpy(st.last, now, sizeof(now));
}

static void print_summary(void)
{
	__u64 dropped = st.dropped_before, d;
	int ring;

	for (ring = 0; ring < NR_RINGS; ring++)
		dropped += st.last[ring].dropped - st.start[ring].dropped;
	if (!opt.json) {
		fprintf(stderr, "%s: received %llu events, %llu dropped (rings full) since start",
			prog_name, (unsigned long long)total_received(),
			(unsigned long long)dropped);
		if (st.stale)
			fprintf(stderr, ", %llu queued before start skipped",
				(unsigned long long)st.stale);
		fputc('\n', stderr);
		return;
	}
	json_obj_begin(&out, NULL);
	json_obj_begin(&out, "summary");
	json_u64(&out, "received", total_received());
	json_u64(&out, "dropped", dropped);
	json_u64(&out, "stale_skipped", st.stale);
	json_u64(&out, "bad_records", st.bad);
	json_arr_begin(&out, "rings");
	for (ring = 0; ring < NR_RINGS; ring++) {
		d = st.last[ring].dropped - st.start[ring].dropped;
		json_obj_begin(&out, NULL);
		json_u64(&out, "ring", ring);
		json_u64(&out, "received", st.received[ring]);
		json_u64(&out, "dropped", d);
		json_obj_end(&out);
	}
	json_arr_end(&out);
	json_obj_end(&out);
	json_obj_end(&out);
	json_finish(&out);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	printf(
"Usage: %s [OPTIONS]\n"
"\n"
"Print the input events scx_reflex writes to its ring buffers under\n"
"%s.  Needs root: the pins are root-only.\n"
"\n"
"  -j, --json        one JSON object per line; the summary last\n"
"  -p, --pretty      indented JSON (implies -j)\n"
"  -m, --merge       print in timestamp order across rings\n"
"  -a, --all         also print events queued before the start\n"
"  -c, --count N     stop after N events\n"
"  -t, --timeout S   stop after S seconds (0.001 to a year)\n"
"  -q, --quiet       no status lines on stderr\n"
"  -f, --follow      when scx_reflex is unpinned, wait for it to be pinned\n"
"                    again and go on reading (without: stop, exit 1)\n"
"  -h, --help        this text\n"
"  -V, --version     print the version\n"
"\n"
"Event codes and values are 0 unless the tunable event_codes is 1\n"
"(see Documentation/input.rst).\n",
		prog_name, REFLEX_PIN_MAPS);
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "merge", no_argument, NULL, 'm' },
		{ "all", no_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "follow", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c, li = -1;

	while ((c = getopt_long(argc, argv, ":jpmac:t:qfhV", opts, &li)) != -1) {
		const char *flag = reflex_arg_flag(opts, &li, c);

		switch (c) {
		case 'p':
			opt.pretty = true;
			/* fallthrough */
		case 'j':
			opt.json = true;
			break;
		case 'm':
			opt.merge = true;
			break;
		case 'a':
			opt.all = true;
			break;
		case 'c':
			if (reflex_arg_u64(flag, optarg, 1, INT64_MAX, &opt.count))
				return -1;
			break;
		case 't':
			if (reflex_arg_seconds(flag, optarg, 0.001, MAX_SECONDS,
					       &opt.timeout))
				return -1;
			break;
		case 'q':
			opt.quiet = true;
			break;
		case 'f':
			opt.follow = true;
			break;
		case 'h':
			usage();
			exit(0);
		case 'V':
			printf("%s %s\n", prog_name, REFLEX_VERSION);
			exit(0);
		default:
			reflex_arg_refused(c, argv, opts);
			return -1;
		}
	}
	if (optind == argc)
		return 0;
	reflex_fail("see --help", "unexpected argument '%s'", argv[optind]);
	return -1;
}

/* The rings of one set of pins, and the lock on them. */
struct rings {
	struct ring_buffer *rb;
	int fds[NR_RINGS];
	int counts_fd, lock_fd;
	__u64 id;		/* reflex_pins_id() when opened */
};

static void close_rings(struct rings *r)
{
	int ring;

	ring_buffer__free(r->rb);
	r->rb = NULL;
	for (ring = 0; ring < NR_RINGS; ring++) {
		if (r->fds[ring] >= 0)
			close(r->fds[ring]);
		r->fds[ring] = -1;
	}
	if (r->counts_fd >= 0)
		close(r->counts_fd);
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	r->counts_fd = r->lock_fd = -1;
}

static int open_rings(struct rings *r)
{
	int ring, err = 0;

	r->id = reflex_pins_id();
	r->lock_fd = reflex_rings_lock();
	if (r->lock_fd < 0)
		return -1;
	r->counts_fd = reflex_map_open(REFLEX_M_EVENT_COUNTS, 0, NULL);
	if (r->counts_fd < 0)
		goto err;
	for (ring = 0; ring < NR_RINGS; ring++) {
		r->fds[ring] = reflex_ring_open(ring);
		if (r->fds[ring] < 0)
			goto err;
		if (!r->rb)
			r->rb = ring_buffer__new(r->fds[ring], on_event,
						 (void *)(long)ring, NULL);
		else if (ring_buffer__add(r->rb, r->fds[ring], on_event,
					  (void *)(long)ring))
			err = -errno;
		if (!r->rb || err) {
			reflex_fail(NULL, "cannot map ring %s/" REFLEX_MAP_EVENTS_FMT ": %s",
				    REFLEX_PIN_MAPS, ring,
				    strerror(r->rb ? -err : errno));
			goto err;
		}
	}
	if (read_counts(r->counts_fd, st.start)) {
		reflex_fail(NULL, "cannot read %s/%s: %s", REFLEX_PIN_MAPS,
			    REFLEX_MAP_EVENT_COUNTS, strerror(errno));
		goto err;
	}
	memcpy(st.last, st.start, sizeof(st.start));
	if (!opt.quiet)
		fprintf(stderr, "%s: reading %d rings under %s\n", prog_name,
			NR_RINGS, REFLEX_PIN_MAPS);
	return 0;
err:
	close_rings(r);
	return -1;
}

/*
 * The pins were removed or replaced (`make unpin`, `make pin`): the rings
 * this process has open are no longer written.  Count what was dropped in
 * them, then stop, or with -f wait for the next pins and go on there.
 */
static int follow(struct rings *r)
{
	const struct timespec second = { 1, 0 };
	int ring;

	ring_buffer__consume(r->rb);
	report_drops(r->counts_fd);
	for (ring = 0; ring < NR_RINGS; ring++)
		st.dropped_before += st.last[ring].dropped - st.start[ring].dropped;
	close_rings(r);
	if (!opt.follow) {
		reflex_fail("-f follows scx_reflex across unpin and pin",
			    "scx_reflex was %s: stopping",
			    reflex_pins_id() ? "pinned again" : "unpinned");
		return -1;
	}
	if (!opt.quiet)
		fprintf(stderr, "%s: scx_reflex was unpinned; waiting for it\n",
			prog_name);
	/* Pinned again once the link is: before that, bpftool may be busy. */
	while (!stop && access(REFLEX_PIN_LINK, F_OK))
		nanosleep(&second, NULL);
	return stop ? 0 : open_rings(r);
}

int main(int argc, char **argv)
{
	struct rings r = { .counts_fd = -1, .lock_fd = -1 };
	__u64 deadline = 0, next_check;
	int ring, err, ret = 1;

	reflex_report_init(prog_name, false, false);
	if (parse_args(argc, argv))
		return 2;
	reflex_report_init(prog_name, opt.json, opt.pretty);
	json_init(&out, stdout, opt.pretty);
	for (ring = 0; ring < NR_RINGS; ring++)
		r.fds[ring] = -1;
	/*
	 * Ready for events and signals before the rings are open: open_rings()
	 * announces that it reads them, and anything written from then on is
	 * new.
	 */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	st.start_ns = reflex_now_ns();
	if (open_rings(&r))
		return 1;
	if (opt.timeout)
		deadline = st.start_ns + opt.timeout * 1e9;
	next_check = st.start_ns + REFLEX_S;

	while (!stop) {
		__u64 now;

		err = ring_buffer__poll(r.rb, 100);
		if (err < 0 && err != -EINTR && !stop) {
			reflex_fail(NULL, "reading the rings failed: %s", strerror(-err));
			goto out;
		}
		fflush(stdout);
		now = reflex_now_ns();
		if (opt.merge)
			flush_held(now - REORDER_NS);
		if (now >= next_check) {
			report_drops(r.counts_fd);
			next_check = now + REFLEX_S;
			if (reflex_pins_id() != r.id && follow(&r))
				goto out;
			if (!r.rb)
				break;	/* stopped while waiting */
		}
		if (deadline && now >= deadline)
			stop = 1;
	}
	/* Whatever was written before we were told to stop. */
	if (r.rb && (!opt.count || st.printed < opt.count))
		ring_buffer__consume(r.rb);
	if (r.rb)
		report_drops(r.counts_fd);
	ret = 0;
out:
	if (opt.merge)
		flush_held(~0ULL);
	print_summary();
	close_rings(&r);
	free(held.v);
	return ret;
}
