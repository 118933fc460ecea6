// SPDX-License-Identifier: GPL-2.0
/*
 * trigger_error.bpf.c - make the running sched_ext scheduler fail on purpose.
 *
 * scx_bpf_error() may be called from syscall programs; it aborts whichever
 * BPF scheduler is attached, exactly as if the scheduler had hit an error
 * itself.  test_exit.sh runs this to check that the exit is
 * recorded and reported.
 */
#include "reflex.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("syscall")
int trigger_error(void *ctx)
{
	reflex_error("selftest: deliberate error %d", 42);
	return 0;
}
