// SPDX-License-Identifier: GPL-2.0
/*
 * input.bpf.c - where input comes from and who consumes it.
 *
 * Two hooks on the kernel's input core, both in vmlinux (no module needed);
 * bpftool attaches them when it loads the object (`make pin`):
 *
 * fentry/input_event: every event a device delivers, real or uinput,
 *	passes here exactly once.  It runs in the device's interrupt path
 *	(or, for uinput, in the writer's write()), so `current` says nothing
 *	about who wants the input.  It opens the input window and writes the
 *	event to the ring of this CPU (events.bpf.c).
 *
 * fentry/input_event_to_user: evdev calls this once for every event it
 *	copies to a reader in read(), in the reader's own context.  So
 *	`current` here is a task that really consumed input: it is marked an
 *	input handler (depth 0) with the time, and the mark decays after
 *	tunables.handler_ttl_ns.  Its process counts as reading input for the
 *	game guess (classes.bpf.c).
 *
 * A handler that wakes another task within the input window passes the
 * mark on (depth + 1, up to REFLEX_INPUT_CHAIN_MAX): a game's input thread
 * waking its render thread, a compositor waking a client.  That is done in
 * ops.runnable, in the waker's context, and only from task context: a
 * wakeup from an interrupt says nothing about the interrupted task.
 * Kernel threads are never marked.
 */
#include "reflex.bpf.h"

u64 last_input_ns;

/* N of the device's "inputN" name; 0 if it has another name. */
static __always_inline u32 input_dev_number(struct input_dev *dev)
{
	char name[16] = {};
	u32 n = 0;
	int i;

	if (bpf_probe_read_kernel_str(name, sizeof(name), dev->dev.kobj.name) < 0 ||
	    name[0] != 'i' || name[1] != 'n' || name[2] != 'p' ||
	    name[3] != 'u' || name[4] != 't')
		return 0;
	for (i = 5; i < sizeof(name); i++) {
		if (name[i] < '0' || name[i] > '9')
			break;
		n = n * 10 + name[i] - '0';
	}
	return n;
}

SEC("fentry/input_event")
int BPF_PROG(reflex_input_event, struct input_dev *dev, unsigned int type,
	     unsigned int code, int value)
{
	struct reflex_event_src src = {
		.type = type,
		.code = code,
		.value = value,
	};
	u64 now = bpf_ktime_get_ns();
	u32 key = 0;

	stat_inc(input_events);
	if (type != REFLEX_EV_SYN)
		last_input_ns = now;

	src.dev = input_dev_number(dev);
	src.bustype = dev->id.bustype;
	src.vendor = dev->id.vendor;
	src.product = dev->id.product;
	/* Privacy is read at every event, not from the settings' copy. */
	reflex_emit(&src, now,
		    reflex_codes_on(bpf_map_lookup_elem(&tunables, &key)));
	return 0;
}

SEC("fentry/input_event_to_user")
int BPF_PROG(reflex_input_read, char *buffer, const struct input_event *event)
{
	struct task_struct *p = bpf_get_current_task_btf();
	const struct reflex_settings *set;
	struct reflex_task_ctx *tctx;
	u64 now = bpf_ktime_get_ns();
	struct reflex_settings fb;

	stat_inc(input_reads);
	tctx = task_ctx_get(p, true);
	if (!tctx)
		return 0;
	set = get_settings(now, &fb, false);
	if (tctx->input_depth || !reflex_within(now, tctx->input_ns,
						set->handler_ttl_ns))
		stat_inc(handler_marks);
	tctx->input_ns = now;
	tctx->input_depth = 0;
	task_info_update(p, tctx, 1, 0, 0);
	proc_note(p, set, now, PROC_INPUT);
	return 0;
}

__hidden void input_chain_wakeup(struct task_struct *p,
				 const struct reflex_settings *set)
{
	struct task_struct *waker = bpf_get_current_task_btf();
	struct reflex_task_ctx *wctx, *tctx;
	u32 depth;
	u64 now;

	/* Kernel threads (kworkers, ksoftirqd) serve everyone: no marks. */
	if (!in_task_context() || waker == p || (p->flags & REFLEX_PF_KTHREAD))
		return;
	wctx = task_ctx_get(waker, false);
	if (!wctx || wctx->input_depth >= REFLEX_INPUT_CHAIN_MAX)
		return;
	now = bpf_ktime_get_ns();
	if (!reflex_within(now, wctx->input_ns, set->input_window_ns))
		return;
	tctx = task_ctx_get(p, false);
	if (!tctx)
		return;
	depth = wctx->input_depth + 1;
	if (reflex_within(now, tctx->input_ns, set->handler_ttl_ns)) {
		/* Never demote a task that is nearer to the input. */
		if (tctx->input_depth < depth)
			return;
	} else {
		stat_inc(chain_marks);
	}
	tctx->input_ns = wctx->input_ns;
	tctx->input_depth = depth;
	task_info_update(p, tctx, 0, 0, 0);
}
