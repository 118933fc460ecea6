// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-stats - what the pinned scx_reflex scheduler is doing.
 *
 * Every interval (1 s) one line, vmstat-style, of rates from maps/stats
 * (summed over CPUs) and maps/event_counts, with how many tasks are in
 * each thread class now (maps/task_classes) and the foreground game
 * (maps/game, maps/game_guess).  With -1 it prints every counter once,
 * totals since the maps were created.  The counter names come from the
 * map's BTF, so a counter added to struct reflex_stats shows up here
 * without a change.  When scx_reflex is unpinned or pinned again, it says
 * so and stops (exit 1).
 */
#include <errno.h>
#include <getopt.h>
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
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <reflex/abi.h>
#include <reflex/policy.h>
#include "args.h"
#include "json.h"
#include "pins.h"
#include "report.h"
#include "scx.h"

#define NR_FIELDS	(sizeof(struct reflex_stats) / sizeof(__u64))

static const char *prog_name = "reflex-stats";

static struct {
	bool once, json, pretty, latency;
	double interval;
	__u64 count;
} opt = { .interval = 1.0 };

static volatile sig_atomic_t stop;

struct snapshot {
	__u64 ns;			/* CLOCK_MONOTONIC when taken */
	__u64 f[NR_FIELDS];		/* struct reflex_stats, summed */
	__u64 produced, dropped;	/* all rings */
	__u64 classed[REFLEX_NR_TC];	/* tasks with a live mark, by class */
	__u32 game;			/* the game's tgid, 0 for none */
	char state[16];
	__u64 lat[REFLEX_NR_TC][REFLEX_LAT_BUCKETS];	/* summed */
};

/* The thread classes by enum reflex_task_class, for people. */
static const char *const class_names[REFLEX_NR_TC] = {
	[REFLEX_TC_OTHER] = "other",
	[REFLEX_TC_GAME] = "game",
	[REFLEX_TC_GPU] = "gpu",
	[REFLEX_TC_COMPOSITOR] = "compositor",
	[REFLEX_TC_AUDIO] = "audio",
	[REFLEX_TC_INPUT] = "input",
};

static struct {
	__u64 pins;			/* reflex_pins_id() when opened */
	int stats, counts, tasks, tunables, game, guess, lat;
	int nr_cpus;
	const char *names[NR_FIELDS];	/* from BTF */
	struct btf *btf;
} m = { .stats = -1, .counts = -1, .tasks = -1, .tunables = -1, .game = -1,
	.guess = -1, .lat = -1 };

/* Field names of struct reflex_stats, from the stats map's own BTF. */
static int load_field_names(const struct bpf_map_info *info)
{
	const struct btf_member *mem;
	const struct btf_type *t;
	int i;

	m.btf = btf__load_from_kernel_by_id(info->btf_id);
	t = m.btf ? btf__type_by_id(m.btf, info->btf_value_type_id) : NULL;
	if (!t || !btf_is_struct(t) || t->size != sizeof(struct reflex_stats)) {
		reflex_fail("rebuild the tools with the pinned scheduler's version",
		     "the pinned stats map is not this version's struct reflex_stats");
		return -1;
	}
	mem = btf_members(t);
	for (i = 0; i < btf_vlen(t) && (size_t)i < NR_FIELDS; i++, mem++)
		m.names[btf_member_bit_offset(t, i) / 64] =
			btf__name_by_offset(m.btf, mem->name_off);
	return 0;
}

static int open_maps(void)
{
	struct bpf_map_info info;

	m.pins = reflex_pins_id();
	m.stats = reflex_map_open(REFLEX_M_STATS, 0, &info);
	if (m.stats < 0 || load_field_names(&info))
		return -1;
	m.counts = reflex_map_open(REFLEX_M_EVENT_COUNTS, 0, NULL);
	m.tasks = reflex_map_open(REFLEX_M_TASK_CLASSES, 0, NULL);
	m.tunables = reflex_map_open(REFLEX_M_TUNABLES, 0, NULL);
	m.game = reflex_map_open(REFLEX_M_GAME, 0, NULL);
	m.guess = reflex_map_open(REFLEX_M_GAME_GUESS, 0, NULL);
	m.lat = reflex_map_open(REFLEX_M_LATENCY, 0, NULL);
	m.nr_cpus = libbpf_num_possible_cpus();
	if (m.counts < 0 || m.tasks < 0 || m.tunables < 0 || m.game < 0 ||
	    m.guess < 0 || m.lat < 0 ||
	    m.nr_cpus <= 0)
		return -1;
	return 0;
}

/*
 * Tasks whose marks have not decayed, by class: an input handler within
 * handler_ttl_ns of its input, the others within class_ttl_ns.  (Whether
 * the input window is open is the scheduler's business; this counts the
 * marks.)
 */
static void count_classes(struct snapshot *s)
{
	struct reflex_tunables t = {};
	struct reflex_settings set;
	struct reflex_task_info ti;
	struct reflex_game_guess guess = {};
	struct reflex_game g = {};
	__u32 key, next, *prev = NULL, zero = 0;
	int bad_version;

	bpf_map_lookup_elem(m.tunables, &zero, &t);
	reflex_settings_get(&t, &set, &bad_version);
	while (!bpf_map_get_next_key(m.tasks, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m.tasks, &key, &ti))
			continue;
		s->classed[REFLEX_TC_INPUT] +=
			reflex_within(s->ns, ti.input_ns, set.handler_ttl_ns);
		s->classed[REFLEX_TC_AUDIO] +=
			reflex_within(s->ns, ti.audio_ns, set.class_ttl_ns);
		s->classed[REFLEX_TC_COMPOSITOR] +=
			reflex_within(s->ns, ti.kms_ns, set.class_ttl_ns);
		s->classed[REFLEX_TC_GPU] +=
			reflex_within(s->ns, ti.gpu_ns, set.class_ttl_ns);
	}
	if (!bpf_map_lookup_elem(m.game, &zero, &g) &&
	    !bpf_map_lookup_elem(m.guess, &zero, &guess))
		s->game = reflex_game_tgid(g.tgid, guess.tgid, guess.ns, s->ns);
}

/* The latency histograms, summed over the CPUs. */
static int take_latency(struct snapshot *s)
{
	struct reflex_latency *percpu;
	__u32 key = 0;
	int cpu, c, b;

	percpu = calloc(m.nr_cpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m.lat, &key, percpu)) {
		free(percpu);
		return -1;
	}
	for (cpu = 0; cpu < m.nr_cpus; cpu++)
		for (c = 0; c < REFLEX_NR_TC; c++)
			for (b = 0; b < REFLEX_LAT_BUCKETS; b++)
				s->lat[c][b] += percpu[cpu].hist[c][b];
	free(percpu);
	return 0;
}

static int take(struct snapshot *s)
{
	struct reflex_stats *percpu;
	struct reflex_ring_counts c;
	__u32 key = 0, ring;
	int cpu;
	size_t i;

	memset(s, 0, sizeof(*s));
	percpu = calloc(m.nr_cpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m.stats, &key, percpu)) {
		free(percpu);
		return -errno;
	}
	for (cpu = 0; cpu < m.nr_cpus; cpu++)
		for (i = 0; i < NR_FIELDS; i++)
			s->f[i] += ((__u64 *)&percpu[cpu])[i];
	free(percpu);
	if (take_latency(s))
		return -errno;
	for (ring = 0; ring < REFLEX_NR_EVENT_RINGS; ring++) {
		if (bpf_map_lookup_elem(m.counts, &ring, &c))
			return -errno;
		s->produced += c.produced;
		s->dropped += c.dropped;
	}
	s->ns = reflex_now_ns();
	count_classes(s);
	if (reflex_scx_read("state", s->state, sizeof(s->state)))
		strcpy(s->state, "?");
	return 0;
}

#define FIELD(name)	(offsetof(struct reflex_stats, name) / sizeof(__u64))

/* The columns of the live view: a rate per second of each counter. */
static const struct column {
	const char *head;
	size_t field;
} columns[] = {
	{ "enq/s", FIELD(enqueue) },
	{ "idle/s", FIELD(select_idle) },
	{ "shared/s", FIELD(dispatch_shared) },
	{ "boost/s", FIELD(enqueue_boost) },
	{ "preempt/s", FIELD(preempt) },
	{ "run/s", FIELD(running) },
	{ "input/s", FIELD(input_events) },
	{ "reads/s", FIELD(input_reads) },
};
#define NR_COLUMNS	(sizeof(columns) / sizeof(columns[0]))

static void print_header(void)
{
	size_t i;

	printf("%-9s", "state");
	for (i = 0; i < NR_COLUMNS; i++)
		printf(" %9s", columns[i].head);
	printf(" %6s %5s %5s %5s %5s %7s %7s\n", "busy%", "input", "audio",
	       "comp", "gpu", "game", "drops");
}

static void print_rates(const struct snapshot *a, const struct snapshot *b)
{
	double secs = (b->ns - a->ns) / 1e9;
	double busy;
	size_t i;

	printf("%-9s", b->state);
	for (i = 0; i < NR_COLUMNS; i++)
		printf(" %9.0f", (b->f[columns[i].field] -
				  a->f[columns[i].field]) / secs);
	busy = (b->f[FIELD(run_ns)] - a->f[FIELD(run_ns)]) /
	       (secs * 1e9 * m.nr_cpus) * 100;
	printf(" %6.1f %5llu %5llu %5llu %5llu %7u %7llu\n", busy,
	       (unsigned long long)b->classed[REFLEX_TC_INPUT],
	       (unsigned long long)b->classed[REFLEX_TC_AUDIO],
	       (unsigned long long)b->classed[REFLEX_TC_COMPOSITOR],
	       (unsigned long long)b->classed[REFLEX_TC_GPU], b->game,
	       (unsigned long long)(b->dropped - a->dropped));
	fflush(stdout);
}

/*
 * A percentile as the bound of its log2 bucket: "<66us" says the wait was
 * below 2^16 ns.  "-" when nothing was counted.
 */
static void fmt_bucket(int b, char *buf, size_t len)
{
	double v = b < 0 ? 0 : (double)(1ULL << (b + 1));

	if (b < 0)
		snprintf(buf, len, "-");
	else if (v < 1e3)
		snprintf(buf, len, "<%.0fns", v);
	else if (v < 1e6)
		snprintf(buf, len, "<%.0fus", v / 1e3);
	else if (v < 1e9)
		snprintf(buf, len, "<%.1fms", v / 1e6);
	else
		snprintf(buf, len, "<%.1fs", v / 1e9);
}

static __u64 lat_count(const __u64 *hist)
{
	__u64 n = 0;
	int b;

	for (b = 0; b < REFLEX_LAT_BUCKETS; b++)
		n += hist[b];
	return n;
}

/*
 * -L: for each class, the wakeups of the interval and their p50, p99,
 * p99.9 of wake-to-run latency (between snapshots @a and @b).
 */
static void print_latency(const struct snapshot *a, const struct snapshot *b)
{
	__u64 d[REFLEX_LAT_BUCKETS];
	char p50[16], p99[16], p999[16];
	int c, i;

	printf("%-9s %-10s %10s %9s %9s %9s\n", b->state, "class", "wakeups",
	       "p50", "p99", "p99.9");
	for (c = REFLEX_NR_TC - 1; c >= 0; c--) {
		for (i = 0; i < REFLEX_LAT_BUCKETS; i++)
			d[i] = b->lat[c][i] - (a ? a->lat[c][i] : 0);
		fmt_bucket(reflex_lat_percentile(d, 500), p50, sizeof(p50));
		fmt_bucket(reflex_lat_percentile(d, 990), p99, sizeof(p99));
		fmt_bucket(reflex_lat_percentile(d, 999), p999, sizeof(p999));
		printf("%-9s %-10s %10llu %9s %9s %9s\n", "", class_names[c],
		       (unsigned long long)lat_count(d), p50, p99, p999);
	}
	fflush(stdout);
}

static void print_totals(const struct snapshot *s)
{
	static const __u32 permille[] = { 500, 990, 999 };
	static const char *const keys[] = { "p50_below_ns", "p99_below_ns",
					    "p999_below_ns" };
	struct json j;
	size_t i;
	int c, p, b;

	if (!opt.json) {
		printf("%-20s %s\n", "state", s->state);
		for (i = 0; i < NR_FIELDS; i++)
			printf("%-20s %llu\n", m.names[i] ? m.names[i] : "?",
			       (unsigned long long)s->f[i]);
		printf("%-20s %llu\n", "events_produced",
		       (unsigned long long)s->produced);
		printf("%-20s %llu\n", "events_dropped",
		       (unsigned long long)s->dropped);
		printf("%-20s %llu\n", "input_handlers",
		       (unsigned long long)s->classed[REFLEX_TC_INPUT]);
		printf("%-20s %llu\n", "audio_tasks",
		       (unsigned long long)s->classed[REFLEX_TC_AUDIO]);
		printf("%-20s %llu\n", "compositor_tasks",
		       (unsigned long long)s->classed[REFLEX_TC_COMPOSITOR]);
		printf("%-20s %llu\n", "gpu_tasks",
		       (unsigned long long)s->classed[REFLEX_TC_GPU]);
		printf("%-20s %u\n", "game_tgid", s->game);
		printf("\nwake-to-run latency since the maps were created:\n");
		print_latency(NULL, s);
		return;
	}
	json_init(&j, stdout, opt.pretty);
	json_obj_begin(&j, NULL);
	json_u64(&j, "ts_ns", s->ns);
	json_str(&j, "state", s->state);
	json_obj_begin(&j, "stats");
	for (i = 0; i < NR_FIELDS; i++)
		json_u64(&j, m.names[i] ? m.names[i] : "?", s->f[i]);
	json_obj_end(&j);
	json_u64(&j, "events_produced", s->produced);
	json_u64(&j, "events_dropped", s->dropped);
	json_u64(&j, "input_handlers", s->classed[REFLEX_TC_INPUT]);
	json_u64(&j, "audio_tasks", s->classed[REFLEX_TC_AUDIO]);
	json_u64(&j, "compositor_tasks", s->classed[REFLEX_TC_COMPOSITOR]);
	json_u64(&j, "gpu_tasks", s->classed[REFLEX_TC_GPU]);
	json_u64(&j, "game_tgid", s->game);
	json_obj_begin(&j, "latency");
	for (c = 0; c < REFLEX_NR_TC; c++) {
		json_obj_begin(&j, class_names[c]);
		json_u64(&j, "count", lat_count(s->lat[c]));
		/* The bound of the bucket, in ns; 0 when nothing was counted. */
		for (p = 0; p < 3; p++) {
			int b = reflex_lat_percentile(s->lat[c], permille[p]);

			json_u64(&j, keys[p], b < 0 ? 0 : 1ULL << (b + 1));
		}
		json_arr_begin(&j, "buckets");
		for (b = 0; b < REFLEX_LAT_BUCKETS; b++)
			json_u64(&j, NULL, s->lat[c][b]);
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	json_obj_end(&j);
	json_finish(&j);
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
"Show what the pinned scx_reflex scheduler is doing: one line of rates per\n"
"interval, or every counter once.  Needs root: the pins are root-only.\n"
"\n"
"  -1, --once          print every counter once (totals) and exit\n"
"  -L, --latency       per interval and thread class: wakeups, and the p50,\n"
"                      p99 and p99.9 of the wait from becoming runnable to\n"
"                      running (\"<66us\": below 65.5 us, log2 buckets)\n"
"  -i, --interval S    seconds between lines (default 1; 0.01 to 86400)\n"
"  -c, --count N       stop after N lines\n"
"  -j, --json          JSON: totals, one object per line\n"
"  -p, --pretty        indented JSON (implies -j)\n"
"  -h, --help          this text\n"
"  -V, --version       print the version\n"
"\n"
"Columns: rates per second of enqueues, wakeups sent straight to an idle\n"
"CPU, tasks taken from the shared queue, enqueues queued early for their\n"
"class, preemptions of batch work, tasks started, input events, events\n"
"read from evdev; CPU time used by tasks (busy%%); tasks marked input\n"
"handler, audio, compositor, GPU now; the game's tgid; events dropped.\n",
		prog_name);
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "latency", no_argument, NULL, 'L' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c, li = -1;

	while ((c = getopt_long(argc, argv, ":1Li:c:jphV", opts, &li)) != -1) {
		const char *flag = reflex_arg_flag(opts, &li, c);

		switch (c) {
		case '1':
			opt.once = true;
			break;
		case 'L':
			opt.latency = true;
			break;
		case 'i':
			if (reflex_arg_seconds(flag, optarg, 0.01, 86400,
					       &opt.interval))
				return -1;
			break;
		case 'c':
			if (reflex_arg_u64(flag, optarg, 1, INT64_MAX, &opt.count))
				return -1;
			break;
		case 'p':
			opt.pretty = true;
			/* fallthrough */
		case 'j':
			opt.json = true;
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

int main(int argc, char **argv)
{
	struct snapshot a, b;
	unsigned long lines = 0;
	int ret = 1;

	reflex_report_init(prog_name, false, false);
	if (parse_args(argc, argv))
		return 2;
	reflex_report_init(prog_name, opt.json, opt.pretty);
	if (open_maps())
		goto out;
	if (take(&a)) {
		reflex_fail(NULL, "cannot read the pinned maps: %s", strerror(errno));
		goto out;
	}
	if (opt.once) {
		print_totals(&a);
		ret = 0;
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!opt.json && !opt.latency)
		print_header();
	while (!stop && (!opt.count || lines < opt.count)) {
		struct timespec ts = {
			(time_t)opt.interval,
			(long)((opt.interval - (time_t)opt.interval) * 1e9),
		};

		if (nanosleep(&ts, NULL) && stop)
			break;
		if (reflex_pins_id() != m.pins) {
			reflex_fail("run it again once scx_reflex is pinned",
				    "scx_reflex was %s: stopping",
				    reflex_pins_id() ? "pinned again" : "unpinned");
			goto out;
		}
		if (take(&b)) {
			reflex_fail(NULL, "cannot read the pinned maps: %s",
			     strerror(errno));
			goto out;
		}
		if (opt.json)
			print_totals(&b);
		else if (opt.latency)
			print_latency(&a, &b);
		else
			print_rates(&a, &b);
		a = b;
		lines++;
	}
	ret = 0;
out:
	btf__free(m.btf);
	return ret;
}
