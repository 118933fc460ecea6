// SPDX-License-Identifier: GPL-2.0
/*
 * classes.bpf.c - the GPU, compositor, audio and game signals, and the
 * class a task has because of them (Documentation/classes.rst).  bpftool
 * attaches the hooks when it loads the object (`make pin`):
 *
 * fentry/security_file_ioctl: every ioctl(2) passes this LSM hook with
 *	the file in hand, in the caller's context.  On a DRM device (char
 *	major 226), an atomic commit (not TEST_ONLY) or a page flip marks the
 *	caller a compositor; a driver ioctl (submit, fence, buffer) notes
 *	that the caller is in one.  On an ALSA device (major 116), a PCM
 *	transfer or pointer sync marks the caller as servicing audio.
 *
 * tp_btf/dma_fence_init: a fence created in task context by a task whose
 *	last DRM ioctl was a driver ioctl is GPU work it submitted: the task
 *	is marked GPU.
 *
 * tp_btf/sched_process_exit: the last thread of a process exits; a game
 *	that was set or guessed is no longer the game.
 *
 * Each mark is a time in task storage and decays after
 * tunables.class_ttl_ns.  Processes whose threads read input and submit
 * GPU work, and commit no KMS updates, are guessed to be the foreground
 * game (maps/game_guess) unless a person set maps/game.
 */
#include "reflex.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_game);
} game SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct reflex_game_guess);
} game_guess SEC(".maps");

/* A process's last input, GPU and KMS signals, for the game guess. */
struct reflex_proc {
	u64 input_ns;
	u64 gpu_ns;
	u64 kms_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, u32);
	__type(value, struct reflex_proc);
} proc_signals SEC(".maps");

static const u32 zero;

__hidden void proc_note(struct task_struct *p,
			const struct reflex_settings *set, u64 now, int what)
{
	struct reflex_proc *pr, new = {};
	struct reflex_game_guess *g;
	u32 tgid = p->tgid;

	pr = bpf_map_lookup_elem(&proc_signals, &tgid);
	if (!pr) {
		bpf_map_update_elem(&proc_signals, &tgid, &new, BPF_NOEXIST);
		pr = bpf_map_lookup_elem(&proc_signals, &tgid);
		if (!pr)
			return;
	}
	if (what == PROC_INPUT)
		pr->input_ns = now;
	else if (what == PROC_GPU)
		pr->gpu_ns = now;
	else
		pr->kms_ns = now;

	g = bpf_map_lookup_elem(&game_guess, &zero);
	if (!g || !reflex_looks_like_game(pr->input_ns, pr->gpu_ns, pr->kms_ns,
					  now, set->class_ttl_ns))
		return;
	if (g->tgid != tgid) {
		g->tgid = tgid;
		stat_inc(game_guesses);
	}
	g->ns = now;
}

/* The foreground game's tgid, or 0 for none. */
static __always_inline u32 game_tgid(u64 now)
{
	struct reflex_game *set = bpf_map_lookup_elem(&game, &zero);
	struct reflex_game_guess *g = bpf_map_lookup_elem(&game_guess, &zero);

	if (!set || !g)
		return 0;
	return reflex_game_tgid(set->tgid, g->tgid, g->ns, now);
}

__hidden u32 game_now(u64 now)
{
	return game_tgid(now);
}

__hidden void task_classify(struct task_struct *p,
			    struct reflex_task_ctx *tctx,
			    const struct reflex_settings *set, u64 now)
{
	struct reflex_signals sig = {
		.input_ns = tctx->input_ns,
		.gpu_ns = tctx->gpu_ns,
		.kms_ns = tctx->kms_ns,
		.audio_ns = tctx->audio_ns,
	};
	u32 game = game_tgid(now);

	sig.is_game = game && p->tgid == game;
	tctx->in_game = sig.is_game;
	tctx->class = reflex_task_class(&sig, set, now, last_input_ns);
}

SEC("fentry/security_file_ioctl")
int BPF_PROG(reflex_ioctl, struct file *file, unsigned int cmd,
	     unsigned long arg)
{
	struct inode *inode = file->f_inode;
	struct reflex_task_ctx *tctx;
	struct reflex_settings fb;
	struct task_struct *p;
	u32 major, flags = 0;
	int kind;
	u64 now;

	/* Every ioctl in the system comes here: leave fast. */
	if (!inode || (inode->i_mode & REFLEX_S_IFMT) != REFLEX_S_IFCHR)
		return 0;
	major = inode->i_rdev >> REFLEX_MINORBITS;
	if (major != REFLEX_DRM_MAJOR && major != REFLEX_ALSA_MAJOR)
		return 0;
	if ((cmd & 0xff) == REFLEX_DRM_NR_MODE_ATOMIC &&
	    bpf_probe_read_user(&flags, sizeof(flags), (void *)arg))
		flags = REFLEX_DRM_MODE_ATOMIC_TEST_ONLY;	/* unreadable */
	kind = reflex_ioctl_kind(major, cmd, flags);

	p = bpf_get_current_task_btf();
	tctx = task_ctx_get(p, kind != REFLEX_IOCTL_NONE);
	if (!tctx)
		return 0;
	tctx->in_drm_ioctl = kind == REFLEX_IOCTL_DRM_DRIVER;
	if (kind != REFLEX_IOCTL_KMS_COMMIT && kind != REFLEX_IOCTL_PCM)
		return 0;

	now = bpf_ktime_get_ns();
	if (kind == REFLEX_IOCTL_KMS_COMMIT) {
		tctx->kms_ns = now;
		stat_inc(kms_marks);
		proc_note(p, get_settings(now, &fb, false), now, PROC_KMS);
	} else {
		tctx->audio_ns = now;
		stat_inc(audio_marks);
	}
	task_info_update(p, tctx, 0, 0, 0);
	return 0;
}

/*
 * A process exits (its last thread does): it is no longer the game, set or
 * guessed, and its signals are forgotten, so that a process that reuses
 * its PID starts with none of them.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(reflex_process_exit, struct task_struct *p)
{
	struct reflex_game_guess *g;
	struct reflex_game *set;
	u32 tgid = p->tgid;

	if (BPF_CORE_READ(p, signal, live.counter))
		return 0;	/* other threads live on */
	bpf_map_delete_elem(&proc_signals, &tgid);
	set = bpf_map_lookup_elem(&game, &zero);
	if (set && set->tgid == tgid &&
	    __sync_bool_compare_and_swap(&set->tgid, tgid, 0))
		stat_inc(game_exits);
	g = bpf_map_lookup_elem(&game_guess, &zero);
	if (g && g->tgid == tgid &&
	    __sync_bool_compare_and_swap(&g->tgid, tgid, 0))
		stat_inc(game_exits);
	return 0;
}

SEC("tp_btf/dma_fence_init")
int BPF_PROG(reflex_fence_init, struct dma_fence *fence)
{
	struct task_struct *p = bpf_get_current_task_btf();
	struct reflex_task_ctx *tctx;
	struct reflex_settings fb;
	u64 now;

	if (!in_task_context())
		return 0;
	tctx = task_ctx_get(p, false);
	if (!tctx || !tctx->in_drm_ioctl)
		return 0;
	now = bpf_ktime_get_ns();
	tctx->gpu_ns = now;
	stat_inc(gpu_marks);
	proc_note(p, get_settings(now, &fb, false), now, PROC_GPU);
	task_info_update(p, tctx, 0, 0, 0);
	return 0;
}
