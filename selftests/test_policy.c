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
#include <sys/ioctl.h>
#include <time.h>
#include <linux/types.h>
#include <linux/input-event-codes.h>
#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <drm/i915_drm.h>
#include <drm/vgem_drm.h>
#include <sound/asound.h>

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
#define S	1000000000ULL
#define NR_TESTS 99

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
	int bad;

	/* No map entry at all, or one never initialised: the defaults. */
	CHECK(reflex_settings_get(NULL, &s, &bad) == 0 && s.slice_ns == 3 * MS &&
	      s.slice_lag_ns == 10 * MS, "settings: no entry gives the defaults");
	memset(&t, 0, sizeof(t));
	CHECK(reflex_settings_get(&t, &s, &bad) == 0 && s.slice_ns == 3 * MS &&
	      s.slice_lag_ns == 10 * MS,
	      "settings: an empty entry (version 0) gives the defaults");

	reflex_tunables_default(&t);
	CHECK(t.version == 1 && t.event_codes == 0 && t.slice_ns == 3 * MS &&
	      t.slice_lag_ns == 10 * MS && t.input_window_ns == 5 * MS &&
	      t.input_boost_ns == 20 * MS && t.handler_ttl_ns == 2000 * MS &&
	      t.class_ttl_ns == 1000 * MS && t.audio_boost_ns == 16 * MS &&
	      t.compositor_boost_ns == 12 * MS && t.gpu_boost_ns == 10 * MS &&
	      t.game_boost_ns == 6 * MS && t.preempt_min_run_ns == 250000 &&
	      t.starve_ns == 100 * MS && t.llc_placement == 1 &&
	      t.game_llc == 32, "tunables: defaults as documented");
	CHECK(reflex_settings_get(&t, &s, &bad) == 0 && s.slice_ns == 3 * MS &&
	      s.boost_ns[REFLEX_TC_OTHER] == 0 &&
	      s.boost_ns[REFLEX_TC_INPUT] == 20 * MS &&
	      s.boost_ns[REFLEX_TC_AUDIO] == 16 * MS &&
	      s.boost_ns[REFLEX_TC_COMPOSITOR] == 12 * MS &&
	      s.boost_ns[REFLEX_TC_GPU] == 10 * MS &&
	      s.boost_ns[REFLEX_TC_GAME] == 6 * MS,
	      "settings: the defaults are in range, one lead per class");

	t.game_llc = 33;	/* above 32, auto */
	CHECK(reflex_settings_get(&t, &s, &bad) == 1 && s.game_llc == 32 &&
	      s.llc_placement == 1,
	      "settings: a game_llc above 32 is clamped to 32 (auto) and counted");
	t.game_llc = 32;
	t.slice_ns = 1;		/* below 100 us */
	CHECK(reflex_settings_get(&t, &s, &bad) == 1 && s.slice_ns == 100000,
	      "settings: 1 ns slice is clamped to 100 us and counted");
	t.slice_ns = UINT64_MAX;	/* above 100 ms */
	t.slice_lag_ns = 2000 * MS;	/* above 1 s */
	CHECK(reflex_settings_get(&t, &s, &bad) == 2 && s.slice_ns == 100 * MS &&
	      s.slice_lag_ns == 1000 * MS,
	      "settings: huge slice and lag clamped to 100 ms / 1 s, both counted");
	reflex_tunables_default(&t);
	t.gpu_boost_ns = UINT64_MAX;
	t.starve_ns = 1;		/* below 10 ms */
	t.event_codes = 7;		/* a flag: 0 or 1 */
	CHECK(reflex_settings_get(&t, &s, &bad) == 3 &&
	      s.boost_ns[REFLEX_TC_GPU] == 100 * MS && s.starve_ns == 10 * MS &&
	      s.event_codes == 0,
	      "settings: huge lead, tiny starvation bound, flag 7: clamped, counted, codes off");
	/* Privacy fails closed: only exactly 1 turns key codes on. */
	t.event_codes = 2;
	CHECK(reflex_settings_get(&t, &s, &bad) == 3 && s.event_codes == 0,
	      "settings: event_codes 2 is off (and counted)");
	t.event_codes = 0xffffffff;
	CHECK(reflex_settings_get(&t, &s, &bad) == 3 && s.event_codes == 0,
	      "settings: event_codes 0xffffffff is off (and counted)");
	t.event_codes = 1;
	CHECK(reflex_settings_get(&t, &s, &bad) == 2 && s.event_codes == 1,
	      "settings: event_codes 1 is on");
	reflex_tunables_default(&t);
	t.preempt_min_run_ns = 0;
	CHECK(reflex_settings_get(&t, &s, &bad) == 0 && s.preempt_min_run_ns == 0,
	      "settings: preempt_min_run_ns 0 (no preemption) is allowed");
	t.version = 99;
	t.slice_ns = 5 * MS;
	CHECK(reflex_settings_get(&t, &s, &bad) == 0 && s.slice_ns == 3 * MS &&
	      bad, "settings: unknown version falls back to defaults, and says so");
	t.version = 0;
	CHECK(reflex_settings_get(&t, &s, &bad) == 0 && s.slice_ns == 3 * MS &&
	      !bad, "settings: version 0 (not set yet) is the defaults, not an error");
	t.version = 1;
	CHECK(reflex_settings_get(&t, &s, &bad) == 0 && s.slice_ns == 5 * MS &&
	      !bad, "settings: version 1 is read");
	/* The GPU/KMS/audio marks have bounds of their own: 10 ms .. 60 s. */
	reflex_tunables_default(&t);
	t.class_ttl_ns = 5 * MS;
	t.handler_ttl_ns = 5 * MS;
	CHECK(reflex_settings_get(&t, &s, &bad) == 1 && s.class_ttl_ns == 10 * MS &&
	      s.handler_ttl_ns == 5 * MS,
	      "settings: class_ttl_ns 5 ms is raised to 10 ms, handler_ttl_ns 5 ms kept");
}

/* The table REFLEX_TUNABLES names every field of struct reflex_tunables. */
static void test_tunables_table(void)
{
	size_t bytes = sizeof(__u32);	/* version, not a tunable */
	int nr = 0;

#define COUNT(name, dfl, lo, hi)					\
	do {								\
		struct reflex_tunables t;				\
									\
		bytes += sizeof(t.name);				\
		nr++;							\
	} while (0);
	REFLEX_TUNABLES(COUNT)
#undef COUNT
	CHECK(nr == 15, "tunables: the table has 15 tunables (has %d)", nr);
	CHECK(bytes == sizeof(struct reflex_tunables) &&
	      sizeof(struct reflex_tunables) == 112,
	      "tunables: with version they fill all 112 bytes of the struct");
}

static void test_latency(void)
{
	__u64 h[REFLEX_LAT_BUCKETS] = { 0 };

	CHECK(reflex_lat_bucket(0) == 0 && reflex_lat_bucket(1) == 0,
	      "latency: 0 and 1 ns are bucket 0");
	CHECK(reflex_lat_bucket(2) == 1 && reflex_lat_bucket(3) == 1 &&
	      reflex_lat_bucket(4) == 2, "latency: 2, 3 ns bucket 1; 4 ns bucket 2");
	CHECK(reflex_lat_bucket(1023) == 9 && reflex_lat_bucket(1024) == 10,
	      "latency: 1023 ns bucket 9, 1024 ns bucket 10");
	/* 2^31 ns = 2147483648 ns, about 2.1 s */
	CHECK(reflex_lat_bucket(2147483648ULL) == 31 &&
	      reflex_lat_bucket(4294967295ULL) == 31 &&
	      reflex_lat_bucket(1ULL << 40) == 31,
	      "latency: 2^31 ns and above are the last bucket, 31");
	CHECK(reflex_lat_percentile(h, 500) == -1, "latency: no waits, no percentile");
	h[5] = 100;
	CHECK(reflex_lat_percentile(h, 500) == 5 && reflex_lat_percentile(h, 999) == 5,
	      "latency: all in bucket 5: p50 and p99.9 are bucket 5");
	h[5] = 0;
	h[3] = 99;
	h[10] = 1;
	/* 100 waits: the 99th is in bucket 3, the 100th (p99.9) in bucket 10 */
	CHECK(reflex_lat_percentile(h, 990) == 3 && reflex_lat_percentile(h, 999) == 10,
	      "latency: 99 in bucket 3, 1 in bucket 10: p99 is 3, p99.9 is 10");
	h[3] = 50;
	h[4] = 50;
	h[10] = 0;
	/* the 50th of 100 is the last of bucket 3 */
	CHECK(reflex_lat_percentile(h, 500) == 3 && reflex_lat_percentile(h, 510) == 4,
	      "latency: 50/50 in buckets 3 and 4: p50 is 3, p51 is 4");
}

static void test_classes(void)
{
	struct reflex_settings s;
	struct reflex_signals sig;
	__u64 now = 100000 * MS;
	int bad;

	reflex_settings_get(NULL, &s, &bad);	/* ttl 1 s, handler 2 s, window 5 ms */
	memset(&sig, 0, sizeof(sig));
	CHECK(reflex_task_class(&sig, &s, now, now - 1 * MS) == REFLEX_TC_OTHER,
	      "class: no signal is batch work, even with the window open");

	sig.input_ns = now - 500 * MS;	/* a handler for 2 s */
	CHECK(reflex_task_class(&sig, &s, now, now - 1 * MS) == REFLEX_TC_INPUT,
	      "class: a handler while the input window is open is input");
	CHECK(reflex_task_class(&sig, &s, now, now - 6 * MS) == REFLEX_TC_OTHER,
	      "class: the same handler after the window closed is not");
	sig.input_ns = now - 2000 * MS;
	CHECK(reflex_task_class(&sig, &s, now, now - 1 * MS) == REFLEX_TC_OTHER,
	      "class: a handler mark 2 s old has decayed");

	memset(&sig, 0, sizeof(sig));
	sig.gpu_ns = now - 999 * MS;
	CHECK(reflex_task_class(&sig, &s, now, 0) == REFLEX_TC_GPU,
	      "class: GPU work 999 ms ago is GPU");
	sig.gpu_ns = now - 1000 * MS;
	CHECK(reflex_task_class(&sig, &s, now, 0) == REFLEX_TC_OTHER,
	      "class: GPU work 1 s ago has decayed");

	sig.gpu_ns = now - 1 * MS;
	sig.kms_ns = now - 1 * MS;
	sig.audio_ns = now - 1 * MS;
	sig.is_game = 1;
	CHECK(reflex_task_class(&sig, &s, now, 0) == REFLEX_TC_AUDIO,
	      "class: audio wins over compositor, GPU and game");
	sig.audio_ns = 0;
	CHECK(reflex_task_class(&sig, &s, now, 0) == REFLEX_TC_COMPOSITOR,
	      "class: compositor wins over GPU and game");
	sig.kms_ns = 0;
	CHECK(reflex_task_class(&sig, &s, now, 0) == REFLEX_TC_GPU,
	      "class: GPU wins over game");
	sig.gpu_ns = 0;
	CHECK(reflex_task_class(&sig, &s, now, 0) == REFLEX_TC_GAME,
	      "class: a game thread with no other signal is game");
	sig.input_ns = now - 1 * MS;
	sig.audio_ns = now - 1 * MS;
	CHECK(reflex_task_class(&sig, &s, now, now - 1 * MS) == REFLEX_TC_INPUT,
	      "class: input in its window wins over everything");

	CHECK(reflex_class_boost(REFLEX_TC_OTHER, &s) == 0 &&
	      reflex_class_boost(REFLEX_TC_INPUT, &s) == 20 * MS &&
	      reflex_class_boost(REFLEX_TC_GAME, &s) == 6 * MS,
	      "lead: none for batch work, 20 ms input, 6 ms game");
	CHECK(reflex_class_boost(-1, &s) == 0 &&
	      reflex_class_boost(REFLEX_NR_TC, &s) == 0,
	      "lead: an out-of-range class gets none");
	/* now 100 ms, lag 10 ms: batch at 90 ms, audio 16 ms before that. */
	CHECK(reflex_deadline(50 * MS, 100 * MS, 10 * MS,
			      reflex_class_boost(REFLEX_TC_AUDIO, &s)) == 74 * MS &&
	      reflex_deadline(50 * MS, 100 * MS, 10 * MS, 0) == 90 * MS,
	      "deadline: audio is queued 16 ms ahead of batch work");
}

static void test_preempt(void)
{
	struct reflex_settings s;
	int bad;

	reflex_settings_get(NULL, &s, &bad);	/* min run 250 us */
	CHECK(reflex_may_preempt(REFLEX_TC_INPUT, REFLEX_TC_OTHER, 250000, 0, &s),
	      "preempt: input preempts remote batch work that ran 250 us");
	CHECK(!reflex_may_preempt(REFLEX_TC_INPUT, REFLEX_TC_OTHER, 249999, 0, &s),
	      "preempt: not before it ran 250 us");
	CHECK(!reflex_may_preempt(REFLEX_TC_INPUT, REFLEX_TC_GAME, 10 * MS, 0, &s),
	      "preempt: remotely only batch work is preempted, not a game thread");
	CHECK(reflex_may_preempt(REFLEX_TC_INPUT, REFLEX_TC_OTHER, 0, 1, &s),
	      "preempt: on the waking CPU, batch work is preempted at once");
	CHECK(reflex_may_preempt(REFLEX_TC_INPUT, REFLEX_TC_GAME, 0, 1, &s) &&
	      !reflex_may_preempt(REFLEX_TC_GAME, REFLEX_TC_INPUT, 10 * MS, 1, &s) &&
	      !reflex_may_preempt(REFLEX_TC_GAME, REFLEX_TC_GAME, 10 * MS, 1, &s),
	      "preempt: on the waking CPU, only a lower class is preempted");
	CHECK(!reflex_may_preempt(REFLEX_TC_OTHER, REFLEX_TC_OTHER, 10 * MS, 0, &s) &&
	      !reflex_may_preempt(REFLEX_TC_OTHER, REFLEX_TC_OTHER, 10 * MS, 1, &s),
	      "preempt: batch work never preempts");
	s.preempt_min_run_ns = 0;
	CHECK(!reflex_may_preempt(REFLEX_TC_AUDIO, REFLEX_TC_OTHER, 10 * MS, 0, &s) &&
	      !reflex_may_preempt(REFLEX_TC_AUDIO, REFLEX_TC_OTHER, 10 * MS, 1, &s),
	      "preempt: preempt_min_run_ns 0 turns preemption off");
}

static void test_handoff(void)
{
	CHECK(reflex_game_handoff(1, 1, 1, 0),
	      "handoff: a sync wakeup within the game stays on the waker's CPU");
	CHECK(!reflex_game_handoff(0, 1, 1, 0),
	      "handoff: not without the sync flag (the waker may keep running)");
	CHECK(!reflex_game_handoff(1, 0, 1, 0) && !reflex_game_handoff(1, 1, 0, 0) &&
	      !reflex_game_handoff(1, 0, 0, 0),
	      "handoff: only between two threads of the game, never batch work");
	CHECK(!reflex_game_handoff(1, 1, 1, 1),
	      "handoff: not onto a CPU with a task already queued there");
}

static void test_game(void)
{
	__u64 now = 100 * S;

	CHECK(reflex_game_tgid(0, 42, now - 29 * S, now) == 42 &&
	      reflex_game_tgid(0, 42, now - 30 * S, now) == 0,
	      "game: a guess stands for 30 s after it was last confirmed");
	CHECK(reflex_game_tgid(7, 42, now, now) == 7 &&
	      reflex_game_tgid(7, 0, 0, now) == 7,
	      "game: a person's setting wins over the guess, fresh or not");
	CHECK(reflex_game_tgid(REFLEX_GAME_NONE, 42, now, now) == 0,
	      "game: REFLEX_GAME_NONE means no game, whatever the guess");
}

static void test_llc(void)
{
	CHECK(reflex_game_llc(REFLEX_LLC_AUTO, 2, 1) == 1 &&
	      reflex_game_llc(REFLEX_LLC_AUTO, 1, 0) == 0,
	      "llc: auto takes the LLC with the most cache");
	CHECK(reflex_game_llc(0, 2, 1) == 0 && reflex_game_llc(1, 2, 0) == 1,
	      "llc: game_llc names the game's LLC");
	CHECK(reflex_game_llc(2, 2, 1) == 1 && reflex_game_llc(31, 1, 0) == 0,
	      "llc: a game_llc this machine lacks falls back to auto");
	CHECK(reflex_queue_llc(1, 0, 1, 2) == 1 && reflex_queue_llc(0, 0, 1, 2) == 0,
	      "llc: the game waits on its LLC, anything else where it ran");
	CHECK(reflex_queue_llc(1, 0, 5, 2) == 0,
	      "llc: a game LLC out of range leaves the game where it ran");
}

static void test_ioctls(void)
{
	CHECK(REFLEX_DRM_COMMAND_BASE == DRM_COMMAND_BASE &&
	      REFLEX_DRM_COMMAND_END == DRM_COMMAND_END &&
	      REFLEX_DRM_MODE_ATOMIC_TEST_ONLY == DRM_MODE_ATOMIC_TEST_ONLY &&
	      REFLEX_DRM_IOCTL_TYPE == DRM_IOCTL_BASE &&
	      (DRM_IOCTL_MODE_ATOMIC & 0xff) == REFLEX_DRM_NR_MODE_ATOMIC &&
	      (DRM_IOCTL_MODE_PAGE_FLIP & 0xff) == REFLEX_DRM_NR_MODE_PAGE_FLIP,
	      "ioctl: DRM constants match <drm/drm.h> and <drm/drm_mode.h>");
	CHECK(reflex_ioctl_kind(226, DRM_IOCTL_MODE_ATOMIC, 0) == REFLEX_IOCTL_KMS_COMMIT &&
	      reflex_ioctl_kind(226, DRM_IOCTL_MODE_ATOMIC,
				DRM_MODE_PAGE_FLIP_EVENT | DRM_MODE_ATOMIC_NONBLOCK) ==
	      REFLEX_IOCTL_KMS_COMMIT,
	      "ioctl: an atomic commit on a DRM node is a KMS commit");
	CHECK(reflex_ioctl_kind(226, DRM_IOCTL_MODE_ATOMIC,
				DRM_MODE_ATOMIC_TEST_ONLY) == REFLEX_IOCTL_NONE,
	      "ioctl: a TEST_ONLY atomic request is not a commit");
	CHECK(reflex_ioctl_kind(226, DRM_IOCTL_MODE_PAGE_FLIP, 0) == REFLEX_IOCTL_KMS_COMMIT,
	      "ioctl: a legacy page flip is a KMS commit");
	CHECK(reflex_ioctl_kind(226, DRM_IOCTL_VGEM_FENCE_ATTACH, 0) == REFLEX_IOCTL_DRM_DRIVER &&
	      reflex_ioctl_kind(226, DRM_IOCTL_I915_GEM_EXECBUFFER2, 0) == REFLEX_IOCTL_DRM_DRIVER,
	      "ioctl: vgem fence attach and i915 execbuffer are driver ioctls");
	CHECK(reflex_ioctl_kind(226, DRM_IOCTL_VERSION, 0) == REFLEX_IOCTL_NONE &&
	      reflex_ioctl_kind(226, DRM_IOCTL_MODE_GETRESOURCES, 0) == REFLEX_IOCTL_NONE,
	      "ioctl: core DRM queries are not signals");
	CHECK(reflex_ioctl_kind(116, SNDRV_PCM_IOCTL_WRITEI_FRAMES, 0) == REFLEX_IOCTL_PCM &&
	      reflex_ioctl_kind(116, SNDRV_PCM_IOCTL_READI_FRAMES, 0) == REFLEX_IOCTL_PCM &&
	      reflex_ioctl_kind(116, SNDRV_PCM_IOCTL_SYNC_PTR, 0) == REFLEX_IOCTL_PCM &&
	      reflex_ioctl_kind(116, SNDRV_PCM_IOCTL_HWSYNC, 0) == REFLEX_IOCTL_PCM,
	      "ioctl: PCM transfers and pointer syncs on an ALSA node are audio");
	CHECK(reflex_ioctl_kind(116, SNDRV_PCM_IOCTL_PREPARE, 0) == REFLEX_IOCTL_NONE &&
	      reflex_ioctl_kind(116, SNDRV_PCM_IOCTL_HW_PARAMS, 0) == REFLEX_IOCTL_NONE,
	      "ioctl: PCM setup is not audio work");
	CHECK(reflex_ioctl_kind(4, DRM_IOCTL_MODE_ATOMIC, 0) == REFLEX_IOCTL_NONE &&
	      reflex_ioctl_kind(226, SNDRV_PCM_IOCTL_WRITEI_FRAMES, 0) == REFLEX_IOCTL_NONE &&
	      reflex_ioctl_kind(116, DRM_IOCTL_VGEM_FENCE_ATTACH, 0) == REFLEX_IOCTL_NONE,
	      "ioctl: the same numbers on another device mean nothing");

	CHECK(reflex_looks_like_game(90 * MS, 95 * MS, 0, 100 * MS, 1000 * MS),
	      "game: reads input and submits GPU work: looks like a game");
	CHECK(!reflex_looks_like_game(90 * MS, 95 * MS, 99 * MS, 100 * MS, 1000 * MS),
	      "game: and commits KMS updates: a compositor, not a game");
	CHECK(!reflex_looks_like_game(90 * MS, 0, 0, 100 * MS, 1000 * MS) &&
	      !reflex_looks_like_game(0, 95 * MS, 0, 100 * MS, 1000 * MS),
	      "game: input alone or GPU alone is not a game");
	CHECK(!reflex_looks_like_game(1 * MS, 95 * MS, 0, 1100 * MS, 1000 * MS),
	      "game: input older than the class ttl does not count");
}

static void test_events(void)
{
	CHECK(REFLEX_EV_SYN == EV_SYN && REFLEX_EV_KEY == EV_KEY &&
	      REFLEX_EV_REL == EV_REL && REFLEX_EV_ABS == EV_ABS &&
	      REFLEX_EV_MSC == EV_MSC && REFLEX_BTN_MISC == BTN_MISC &&
	      REFLEX_KEY_OK == KEY_OK &&
	      REFLEX_BTN_TRIGGER_HAPPY == BTN_TRIGGER_HAPPY &&
	      REFLEX_KEY_MAX == KEY_MAX && REFLEX_REL_X == REL_X &&
	      REFLEX_REL_Y == REL_Y && REFLEX_REL_WHEEL == REL_WHEEL &&
	      REFLEX_REL_HWHEEL == REL_HWHEEL &&
	      REFLEX_REL_WHEEL_HI_RES == REL_WHEEL_HI_RES &&
	      REFLEX_REL_HWHEEL_HI_RES == REL_HWHEEL_HI_RES,
	      "events: constants match <linux/input-event-codes.h>");
	CHECK(reflex_event_class(EV_KEY, KEY_A, 1) == REFLEX_CLASS_KEY_PRESS &&
	      reflex_event_class(EV_KEY, KEY_A, 0) == REFLEX_CLASS_KEY_RELEASE &&
	      reflex_event_class(EV_KEY, KEY_A, 2) == REFLEX_CLASS_KEY_REPEAT,
	      "events: key press, release, repeat");
	CHECK(reflex_event_class(EV_KEY, BTN_LEFT, 1) == REFLEX_CLASS_BTN_PRESS &&
	      reflex_event_class(EV_KEY, BTN_SOUTH, 0) == REFLEX_CLASS_BTN_RELEASE &&
	      reflex_event_class(EV_KEY, BTN_TRIGGER_HAPPY1, 1) == REFLEX_CLASS_BTN_PRESS,
	      "events: mouse, pad and extra buttons are buttons");
	CHECK(reflex_event_class(EV_REL, REL_X, -3) == REFLEX_CLASS_REL_MOTION &&
	      reflex_event_class(EV_REL, REL_WHEEL_HI_RES, 120) == REFLEX_CLASS_REL_WHEEL &&
	      reflex_event_class(EV_REL, REL_DIAL, 1) == REFLEX_CLASS_REL_OTHER,
	      "events: pointer motion, wheels, other relative axes");
	CHECK(reflex_event_class(EV_ABS, ABS_X, 5) == REFLEX_CLASS_ABS &&
	      reflex_event_class(EV_SYN, SYN_REPORT, 0) == REFLEX_CLASS_SYN &&
	      reflex_event_class(EV_MSC, MSC_SCAN, 30) == REFLEX_CLASS_MSC &&
	      reflex_event_class(EV_LED, LED_CAPSL, 1) == REFLEX_CLASS_OTHER,
	      "events: absolute axes, sync, misc, others");
}

int main(void)
{
	printf("TAP version 13\n1..%d\n", NR_TESTS);
	test_vtime_before();
	test_vtime_charge();
	test_vtime_floor();
	test_clamp();
	test_settings();
	test_tunables_table();
	test_latency();
	test_classes();
	test_preempt();
	test_handoff();
	test_game();
	test_llc();
	test_ioctls();
	test_events();
	if (n != NR_TESTS) {
		printf("# planned %d tests but ran %d\n", NR_TESTS, n);
		failed++;
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       n - failed, failed);
	return failed ? 1 : 0;
}
