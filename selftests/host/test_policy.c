// SPDX-License-Identifier: GPL-2.0
/*
 * test_policy - unit tests of the scheduling arithmetic in
 * <reflex/policy.h>, the same header the BPF object compiles.
 *
 * Expected values are worked out by hand in the comments, not computed
 * with the functions under test.  Output is TAP 13; exit 0 or 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#include <reflex/policy.h>

static int n, failed;

#define CHECK(cond, fmt, ...)						\
do {									\
	n++;								\
	if (cond) {							\
		printf("ok %d " fmt "\n", n, ##__VA_ARGS__);		\
	} else {							\
		failed++;						\
		printf("not ok %d " fmt "\n", n, ##__VA_ARGS__);	\
		printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
	}								\
} while (0)

#define MS	1000000ULL
#define NR_TESTS 30

static void test_vtime_before(void)
{
	CHECK(reflex_vtime_before(1, 2), "vtime: 1 is before 2");
	CHECK(!reflex_vtime_before(2, 1), "vtime: 2 is not before 1");
	CHECK(!reflex_vtime_before(7, 7), "vtime: equal is not before");
	/* UINT64_MAX - 5 wraps to 10 after 16 more: it is the earlier one. */
	CHECK(reflex_vtime_before(UINT64_MAX - 5, 10),
	      "vtime: wraparound, U64_MAX-5 is before 10");
	CHECK(!reflex_vtime_before(10, UINT64_MAX - 5),
	      "vtime: wraparound, 10 is not before U64_MAX-5");
}

static void test_vtime_charge(void)
{
	CHECK(reflex_vtime_charge(3 * MS, 100) == 3 * MS,
	      "charge: default weight pays its run time");
	CHECK(reflex_vtime_charge(3 * MS, 200) == 1500000,
	      "charge: double weight pays half");
	CHECK(reflex_vtime_charge(3 * MS, 10000) == 30000,
	      "charge: maximum weight 10000 pays 1/100");
	CHECK(reflex_vtime_charge(3 * MS, 1) == 300 * MS,
	      "charge: minimum weight 1 pays 100x");
	CHECK(reflex_vtime_charge(3 * MS, 0) == 300 * MS,
	      "charge: weight 0 is treated as 1, no division by zero");
	CHECK(reflex_vtime_charge(0, 100) == 0, "charge: no run time, no charge");
	/* 2^40 * 100 / 1 = 109951162777600: capped, not overflowed. */
	CHECK(reflex_vtime_charge(UINT64_MAX, 1) == 109951162777600ULL,
	      "charge: huge run time is capped at 2^40 ns");
	CHECK(reflex_vtime_charge(UINT64_MAX, 1) < (1ULL << 63),
	      "charge: capped charge stays below 2^63");
}

static void test_vtime_floor(void)
{
	/* now 100 ms, lag 10 ms: floor is 90 ms. */
	CHECK(reflex_vtime_floor(95 * MS, 100 * MS, 10 * MS) == 95 * MS,
	      "floor: vtime within the lag is kept");
	CHECK(reflex_vtime_floor(20 * MS, 100 * MS, 10 * MS) == 90 * MS,
	      "floor: a long sleeper is pulled up to now - lag");
	CHECK(reflex_vtime_floor(150 * MS, 100 * MS, 10 * MS) == 150 * MS,
	      "floor: vtime ahead of now is kept");
	CHECK(reflex_vtime_floor(20 * MS, 100 * MS, 0) == 100 * MS,
	      "floor: zero lag pulls up to now");
	/* now 5 ms, lag 10 ms: the floor wraps below zero; 0 is within it. */
	CHECK(reflex_vtime_floor(0, 5 * MS, 10 * MS) == 0,
	      "floor: early vtime with a floor below zero is kept");
	/* now 3 (after wrapping), vtime U64_MAX - 100 ms: 100 ms behind. */
	CHECK(reflex_vtime_floor(UINT64_MAX - 100 * MS, 3, 10 * MS) ==
	      3 - 10 * MS, "floor: across the wrap a sleeper is pulled up");
}

static void test_clamp(void)
{
	int c = 0;

	CHECK(reflex_clamp(5, 1, 10, &c) == 5 && c == 0, "clamp: in range");
	CHECK(reflex_clamp(0, 1, 10, &c) == 1 && c == 1,
	      "clamp: below is raised and counted");
	CHECK(reflex_clamp(UINT64_MAX, 1, 10, &c) == 10 && c == 2,
	      "clamp: above is lowered and counted");
}

static void test_settings(void)
{
	struct reflex_settings s;
	struct reflex_tunables t;

	/* No map entry at all, or one never initialised: 3 ms / 10 ms. */
	CHECK(reflex_settings_get(NULL, &s) == 0 && s.slice_ns == 3 * MS &&
	      s.slice_lag_ns == 10 * MS, "settings: no entry gives the defaults");
	memset(&t, 0, sizeof(t));
	CHECK(reflex_settings_get(&t, &s) == 0 && s.slice_ns == 3 * MS &&
	      s.slice_lag_ns == 10 * MS,
	      "settings: an empty entry (version 0) gives the defaults");

	reflex_tunables_default(&t);
	CHECK(t.version == 1 && t.slice_ns == 3 * MS &&
	      t.slice_lag_ns == 10 * MS, "tunables: defaults as documented");
	CHECK(reflex_settings_get(&t, &s) == 0 && s.slice_ns == 3 * MS,
	      "settings: the defaults are in range");

	t.slice_ns = 1;		/* below 100 us */
	CHECK(reflex_settings_get(&t, &s) == 1 && s.slice_ns == 100000,
	      "settings: 1 ns slice is clamped to 100 us and counted");
	t.slice_ns = UINT64_MAX;	/* above 100 ms */
	t.slice_lag_ns = 2000 * MS;	/* above 1 s */
	CHECK(reflex_settings_get(&t, &s) == 2 && s.slice_ns == 100 * MS &&
	      s.slice_lag_ns == 1000 * MS,
	      "settings: huge slice and lag clamped to 100 ms / 1 s, both counted");
	t.slice_ns = 5 * MS;
	t.slice_lag_ns = 0;
	CHECK(reflex_settings_get(&t, &s) == 0 && s.slice_ns == 5 * MS &&
	      s.slice_lag_ns == 0, "settings: 5 ms slice and zero lag taken as is");
	t.version = 99;
	CHECK(reflex_settings_get(&t, &s) == 0 && s.slice_ns == 3 * MS,
	      "settings: unknown version falls back to defaults");
}

int main(void)
{
	printf("TAP version 13\n1..%d\n", NR_TESTS);
	test_vtime_before();
	test_vtime_charge();
	test_vtime_floor();
	test_clamp();
	test_settings();
	if (n != NR_TESTS) {
		printf("# planned %d tests but ran %d\n", NR_TESTS, n);
		failed++;
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       n - failed, failed);
	return failed ? 1 : 0;
}
