// SPDX-License-Identifier: GPL-2.0
/*
 * emit.bpf.c - the scheduler's event write path, reflex_emit() of
 * bpf/events.bpf.c, driven from userspace with BPF_PROG_TEST_RUN.  Linked
 * with that unit into emit_test.bpf.o.
 *
 * A raw_tp program because raw_tp test runs can be placed on a chosen CPU
 * (BPF_F_TEST_RUN_ON_CPU), which is what picks the ring; and because it
 * loads where fentry cannot (kernels in lockdown).  The object has the
 * same 16 rings and counters as the scheduler, under the same names, so
 * reflex-events reads it unchanged.
 */
#include "reflex.bpf.h"

char _license[] SEC("license") = "GPL";

/* Context: dev, type, code, value, codes (u64 each). */
SEC("raw_tp")
int BPF_PROG(emit_test, u64 dev, u64 type, u64 code, s64 value, u64 codes)
{
	struct reflex_event_src src = {
		.dev = dev,
		.bustype = 0x06,	/* BUS_VIRTUAL */
		.vendor = 0x7265,
		.product = 0x2000,
		.type = type,
		.code = code,
		.value = value,
	};

	return reflex_emit(&src, bpf_ktime_get_ns(), codes);
}
