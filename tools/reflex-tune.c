// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-tune - show or change the tunables of the pinned scx_reflex.
 *
 * The tunables are one entry of maps/tunables (struct reflex_tunables).
 * Their names, offsets and sizes are read from the pinned map's BTF, so
 * what is shown is what the pinned scheduler has; the default and the
 * accepted range of each come from <reflex/policy.h>, the same table the
 * scheduler clamps with.  A name the pinned map does not have, or a value
 * outside the range, is refused with a message naming it, and nothing is
 * written.  Every CPU sees a change within 10 ms (event_codes at once).
 *
 *   reflex-tune                          show every tunable
 *   reflex-tune slice_ns=2ms event_codes=0
 *   reflex-tune --reset                  every tunable to its default
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <reflex/abi.h>
#include <reflex/policy.h>
#include "args.h"
#include "json.h"
#include "pins.h"
#include "report.h"

static const char *prog_name = "reflex-tune";

/* What <reflex/policy.h> says about each tunable. */
static const struct range {
	const char *name;
	__u64 dfl, lo, hi;
} ranges[] = {
#define RANGE(name, dfl, lo, hi)	{ #name, (dfl), (lo), (hi) },
	REFLEX_TUNABLES(RANGE)
#undef RANGE
};
#define NR_TUNABLES	(sizeof(ranges) / sizeof(ranges[0]))

/* A tunable as the pinned map's BTF lays it out. */
struct field {
	const struct range *range;
	__u32 off, size;
};

static struct field fields[NR_TUNABLES];

static const struct range *find_range(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NR_TUNABLES; i++)
		if (strlen(ranges[i].name) == len && !strncmp(ranges[i].name, name, len))
			return &ranges[i];
	return NULL;
}

/*
 * Lay the fields out from the BTF of the pinned map: every tunable of
 * the table must be an integer member of 4 or 8 bytes.
 */
static int load_layout(const struct bpf_map_info *info)
{
	const struct btf_member *m;
	const struct btf_type *t;
	struct btf *btf;
	size_t i, found = 0;
	int ret = -1;

	btf = btf__load_from_kernel_by_id(info->btf_id);
	t = btf ? btf__type_by_id(btf, info->btf_value_type_id) : NULL;
	if (!t || !btf_is_struct(t)) {
		reflex_fail("re-pin: sudo make unpin && sudo make pin",
			    "%s/%s has no BTF description of its value",
			    REFLEX_PIN_MAPS, REFLEX_MAP_TUNABLES);
		goto out;
	}
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		const struct range *r = find_range(name, strlen(name));
		const struct btf_type *mt = btf__type_by_id(btf, m->type);

		while (mt && (btf_is_typedef(mt) || btf_is_mod(mt)))
			mt = btf__type_by_id(btf, mt->type);

		if (!r)
			continue;	/* version, padding */
		if (!mt || !btf_is_int(mt) || (mt->size != 4 && mt->size != 8)) {
			reflex_fail(NULL, "tunable %s of the pinned map is not a 32- or 64-bit integer",
				    name);
			goto out;
		}
		fields[r - ranges] = (struct field){ r, btf_member_bit_offset(t, i) / 8,
						     mt->size };
		found++;
	}
	if (found != NR_TUNABLES) {
		for (i = 0; i < NR_TUNABLES && fields[i].range; i++)
			;
		reflex_fail("use the reflex-tune of the pinned scheduler's version",
			    "the pinned map has no tunable %s: it is from another version of scx_reflex",
			    ranges[i].name);
		goto out;
	}
	ret = 0;
out:
	btf__free(btf);
	return ret;
}

static __u64 get(const void *v, const struct field *f)
{
	return f->size == 4 ? *(const __u32 *)((const char *)v + f->off) :
			      *(const __u64 *)((const char *)v + f->off);
}

static void set_field(void *v, const struct field *f, __u64 val)
{
	if (f->size == 4)
		*(__u32 *)((char *)v + f->off) = val;
	else
		*(__u64 *)((char *)v + f->off) = val;
}

/* Is @name a time, in ns (and so shown and set with units)? */
static bool is_ns(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && !strcmp(name + n - 3, "_ns");
}

/* "2ms" and the like for a *_ns tunable; a bare number otherwise. */
static int parse_value(const char *name, const char *s, __u64 *val)
{
	static const struct { const char *unit; __u64 mult; } units[] = {
		{ "ns", 1 }, { "us", REFLEX_US }, { "ms", REFLEX_MS }, { "s", REFLEX_S },
	};
	bool ns = is_ns(name);
	unsigned long long v;
	char *end;
	size_t i;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (!*end) {
		*val = v;
		return 0;
	}
	for (i = 0; ns && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (v > UINT64_MAX / units[i].mult)
			return -ERANGE;
		*val = v * units[i].mult;
		return 0;
	}
	return -EINVAL;
}

/* A NAME=VALUE argument, checked against the table. */
struct assign {
	const struct range *range;
	__u64 val;
};

/* Parse NAME=VALUE @arg into @a; report and fail on anything wrong. */
static int parse_assign(const char *arg, struct assign *a)
{
	const char *eq = strchr(arg, '=');
	const struct range *r = eq ? find_range(arg, eq - arg) : NULL;
	__u64 val;
	int err;

	if (!eq) {
		reflex_fail("give NAME=VALUE, e.g. slice_ns=2ms; 'reflex-tune' lists the names",
			    "'%s' is not NAME=VALUE", arg);
		return -1;
	}
	if (!r) {
		reflex_fail("'reflex-tune' lists the names",
			    "unknown tunable '%.*s'", (int)(eq - arg), arg);
		return -1;
	}
	err = parse_value(r->name, eq + 1, &val);
	if (err) {
		reflex_fail("a whole number of nanoseconds, or one with a unit: 250us, 2ms, 1s",
			    "%s: '%s' is %s", r->name, eq + 1,
			    err == -ERANGE ? "too large" : "not a value");
		return -1;
	}
	if (val < r->lo || val > r->hi) {
		reflex_fail(NULL, "%s: %" PRIu64 " is out of range: %" PRIu64 " .. %" PRIu64,
			    r->name, (uint64_t)val, (uint64_t)r->lo, (uint64_t)r->hi);
		return -1;
	}
	a->range = r;
	a->val = val;
	return 0;
}

/* 3000000 as "3ms", 250000 as "250us": for people, beside the number. */
static void human_ns(__u64 ns, char *buf, size_t len)
{
	if (ns && !(ns % REFLEX_S))
		snprintf(buf, len, "%" PRIu64 "s", (uint64_t)(ns / REFLEX_S));
	else if (ns && !(ns % REFLEX_MS))
		snprintf(buf, len, "%" PRIu64 "ms", (uint64_t)(ns / REFLEX_MS));
	else if (ns && !(ns % REFLEX_US))
		snprintf(buf, len, "%" PRIu64 "us", (uint64_t)(ns / REFLEX_US));
	else
		snprintf(buf, len, "%" PRIu64 "ns", (uint64_t)ns);
}

static void show(const struct reflex_tunables *t, bool json, bool pretty)
{
	char now[24], lo[24], hi[24];
	struct json j;
	size_t i;

	if (json) {
		json_init(&j, stdout, pretty);
		json_obj_begin(&j, NULL);
		json_u64(&j, "version", t->version);
		for (i = 0; i < NR_TUNABLES; i++)
			json_u64(&j, ranges[i].name, get(t, &fields[i]));
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	printf("%-20s %12s %8s   %s\n", "tunable", "value", "", "range (default)");
	for (i = 0; i < NR_TUNABLES; i++) {
		const struct range *r = &ranges[i];
		__u64 v = get(t, &fields[i]);

		if (is_ns(r->name)) {
			human_ns(v, now, sizeof(now));
			human_ns(r->lo, lo, sizeof(lo));
			human_ns(r->hi, hi, sizeof(hi));
		} else {
			snprintf(now, sizeof(now), "%s", "");
			snprintf(lo, sizeof(lo), "%" PRIu64, (uint64_t)r->lo);
			snprintf(hi, sizeof(hi), "%" PRIu64, (uint64_t)r->hi);
		}
		printf("%-20s %12" PRIu64 " %8s   %s .. %s (%" PRIu64 ")%s\n",
		       r->name, (uint64_t)v, now, lo, hi, (uint64_t)r->dfl,
		       v < r->lo || v > r->hi ? "  OUT OF RANGE: clamped" : "");
	}
}

/* A default or bound, as reflex-tune shows it: "3ms" for a *_ns tunable. */
static void human(const struct range *r, __u64 v, char *buf, size_t len)
{
	if (is_ns(r->name))
		human_ns(v, buf, len);
	else
		snprintf(buf, len, "%" PRIu64, (uint64_t)v);
}

static void usage(void)
{
	char dfl[24], lo[24], hi[24];
	size_t i;

	printf(
"Usage: %s [OPTIONS] [NAME=VALUE...]\n"
"\n"
"Show the tunables of the pinned scx_reflex, or set them on the running\n"
"scheduler.  VALUE is a whole number; a *_ns tunable also takes a unit:\n"
"250us, 2ms, 1s.  Needs root: the pins are root-only.\n"
"\n"
"  --reset        set every tunable to its default\n"
"  -j, --json     JSON output (errors too)\n"
"  -p, --pretty   indented JSON (implies -j)\n"
"  -h, --help     this text\n"
"  -V, --version  print the version\n"
"\n"
"Tunables this version knows (Documentation/pins.rst says what they do):\n",
		prog_name);
	for (i = 0; i < NR_TUNABLES; i++) {
		human(&ranges[i], ranges[i].dfl, dfl, sizeof(dfl));
		human(&ranges[i], ranges[i].lo, lo, sizeof(lo));
		human(&ranges[i], ranges[i].hi, hi, sizeof(hi));
		printf("  %-20s %s .. %s (default %s)\n", ranges[i].name, lo,
		       hi, dfl);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reset", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	bool json = false, pretty = false, reset = false;
	struct assign set[NR_TUNABLES * 4];
	struct reflex_tunables t;
	struct bpf_map_info info;
	int c, fd, i, nr_set = 0, ret = 1;
	__u32 key = 0;

	reflex_report_init(prog_name, false, false);
	while ((c = getopt_long(argc, argv, ":jphV", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reset = true;
			break;
		case 'p':
			pretty = true;
			/* fallthrough */
		case 'j':
			json = true;
			break;
		case 'h':
			usage();
			return 0;
		case 'V':
			printf("%s %s\n", prog_name, REFLEX_VERSION);
			return 0;
		default:
			return reflex_arg_refused(c, argv, opts);
		}
	}
	reflex_report_init(prog_name, json, pretty);
	/* Every argument is checked before anything is opened or written. */
	if (argc - optind > (int)(sizeof(set) / sizeof(set[0]))) {
		reflex_fail("see --help", "too many arguments");
		return 2;
	}
	for (i = optind; i < argc; i++)
		if (parse_assign(argv[i], &set[nr_set++]))
			return 2;
	fd = reflex_map_open(REFLEX_M_TUNABLES, 0, &info);
	if (fd < 0)
		return 1;
	if (load_layout(&info))
		goto out;
	if (bpf_map_lookup_elem(fd, &key, &t)) {
		reflex_fail(NULL, "cannot read %s/%s: %s", REFLEX_PIN_MAPS,
			    REFLEX_MAP_TUNABLES, strerror(errno));
		goto out;
	}
	/* Not attached yet (ops.init writes the defaults), or --reset. */
	if (reset || !t.version)
		reflex_tunables_default(&t);
	if (t.version != REFLEX_TUNABLES_VERSION) {
		reflex_fail("set the defaults with: reflex-tune --reset",
			    "%s/%s holds version %u, this reflex-tune knows version %u",
			    REFLEX_PIN_MAPS, REFLEX_MAP_TUNABLES, t.version,
			    REFLEX_TUNABLES_VERSION);
		goto out;
	}
	for (i = 0; i < nr_set; i++)
		set_field(&t, &fields[set[i].range - ranges], set[i].val);
	if ((reset || nr_set) &&
	    bpf_map_update_elem(fd, &key, &t, BPF_EXIST)) {
		reflex_fail(NULL, "cannot write %s/%s: %s", REFLEX_PIN_MAPS,
			    REFLEX_MAP_TUNABLES, strerror(errno));
		goto out;
	}
	show(&t, json, pretty);
	ret = 0;
out:
	close(fd);
	return ret;
}
