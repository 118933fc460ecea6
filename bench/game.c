// SPDX-License-Identifier: GPL-2.0
/*
 * game - a synthetic game, for frame pacing benchmarks and for the thread
 * class tests.  Prints one JSON object; asserts nothing.
 *
 * usage: game [-f FPS] [-d SECONDS] [-w PERCENT] [-n]
 *   -f  frame rate (default 60)
 *   -d  how long to run (default 10)
 *   -w  CPU work per frame, as a share of the frame period (default 40)
 *   -n  no input and no GPU: the render thread alone
 *
 * Threads, as a game has them:
 *   render  at each frame's start time, burns its share of the period in
 *           CPU time (CLOCK_THREAD_CPUTIME_ID, so the work is the same
 *           however often it is interrupted), then hands the frame to the
 *           GPU thread and waits for it to be submitted
 *   gpu     submits each frame: on vgem (if there is one) a fence is
 *           attached to a buffer and signalled, as a driver would for real
 *           GPU work
 *   input   reads the game's own uinput device through evdev, which an
 *           injector thread (standing in for the mouse) writes at 1 kHz
 *
 * A frame is missed when it is submitted after its period ends, or when
 * the render thread falls so far behind that its start time has passed;
 * the frame time is from the frame's start time to its submission.
 *
 * Each thread notes the CPU it runs on each time it wakes (sched_getcpu());
 * llc_moves counts the wakeups on another last-level cache than the
 * thread's previous one (LLCs from /sys/devices/system/cpu/cpuN/cache:
 * the highest index, by the CPUs sharing it), the moves that cost a
 * game its cache.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <drm/vgem_drm.h>
#include <linux/uinput.h>

static long fps = 60, seconds = 10, work_pct = 40;
static int no_io;
static atomic_int stop;
static int to_gpu[2], from_gpu[2];
static int vgem_fd = -1, uinput_fd = -1;
static unsigned int vgem_handle;
static char event_node[300];
static atomic_int tids[3];		/* render, gpu, input */
static atomic_long gpu_fences, input_events;

#define MAX_CPUS	1024
static int llc_of[MAX_CPUS];		/* -1: not known */
static int nr_llcs;
static atomic_long llc_moves, llc_wakeups;

static void die(const char *what)
{
	fprintf(stderr, "game: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long t)
{
	struct timespec ts = { t / 1000000000LL, t % 1000000000LL };

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/*
 * Each CPU's LLC: its highest cache level, told apart by the CPUs that
 * share it (shared_cpu_list; the cache "id" is not unique across CPUs
 * under every hypervisor).
 */
static void read_llcs(void)
{
	static char lists[MAX_CPUS][256];
	char path[128], list[256];
	int cpu, idx, n = 0, i;
	FILE *f;

	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		llc_of[cpu] = -1;
		for (idx = 9; idx >= 0 && llc_of[cpu] < 0; idx--) {
			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list",
				 cpu, idx);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fscanf(f, "%255s", list) == 1) {
				for (i = 0; i < n && strcmp(lists[i], list); i++)
					;
				if (i == n)
					strcpy(lists[n++], list);
				llc_of[cpu] = i;
			}
			fclose(f);
		}
	}
	nr_llcs = n;
}

/* The calling thread woke: count it, and a move to another LLC. */
static void note_cpu(int *last)
{
	int cpu = sched_getcpu(), l = cpu >= 0 && cpu < MAX_CPUS ? llc_of[cpu] : -1;

	if (l < 0)
		return;
	llc_wakeups++;
	if (*last >= 0 && l != *last)
		llc_moves++;
	*last = l;
}

/* Burn @ns of this thread's CPU time. */
static void burn(long long ns)
{
	long long end = now_ns(CLOCK_THREAD_CPUTIME_ID) + ns;
	volatile unsigned long x = 0;
	int i;

	while (now_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		for (i = 0; i < 256; i++)
			x += i;
}

/* vgem, if loaded: a buffer to attach fences to. */
static void open_vgem(void)
{
	struct drm_mode_create_dumb cd = { .width = 64, .height = 64, .bpp = 32 };
	char path[300], name[64];
	struct dirent *e;
	DIR *d = opendir("/dev/dri");

	while (d && (e = readdir(d))) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int fd;

		if (strncmp(e->d_name, "card", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		memset(name, 0, sizeof(name));
		if (fd >= 0 && !ioctl(fd, DRM_IOCTL_VERSION, &v) &&
		    !strcmp(name, "vgem") &&
		    !ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd)) {
			vgem_fd = fd;
			vgem_handle = cd.handle;
			break;
		}
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
}

static void *gpu_main(void *arg)
{
	int llc = -1;
	char c;

	(void)arg;
	tids[1] = syscall(SYS_gettid);
	while (read(to_gpu[0], &c, 1) == 1) {
		note_cpu(&llc);
		if (vgem_fd >= 0) {
			struct drm_vgem_fence_attach fa = {
				.handle = vgem_handle, .flags = VGEM_FENCE_WRITE };
			struct drm_vgem_fence_signal fs = {};

			if (!ioctl(vgem_fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &fa)) {
				fs.fence = fa.out_fence;
				ioctl(vgem_fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &fs);
				gpu_fences++;
			}
		}
		if (write(from_gpu[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

/* The game's own "mouse": a uinput device with relative axes. */
static void make_mouse(void)
{
	struct uinput_setup us = {
		.id = { .bustype = BUS_VIRTUAL, .vendor = 0x7265, .product = 0x4000 },
		.name = "reflex-game-mouse",
	};
	char sys[64], dir[128];
	struct dirent *e;
	DIR *d;

	uinput_fd = open("/dev/uinput", O_WRONLY | O_CLOEXEC);
	if (uinput_fd < 0)
		die("open /dev/uinput (modprobe uinput?)");
	if (ioctl(uinput_fd, UI_SET_EVBIT, EV_REL) ||
	    ioctl(uinput_fd, UI_SET_RELBIT, REL_X) ||
	    ioctl(uinput_fd, UI_DEV_SETUP, &us) || ioctl(uinput_fd, UI_DEV_CREATE) ||
	    ioctl(uinput_fd, UI_GET_SYSNAME(sizeof(sys)), sys) < 0)
		die("set up the uinput device");
	snprintf(dir, sizeof(dir), "/sys/class/input/%s", sys);
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (!strncmp(e->d_name, "event", 5))
			snprintf(event_node, sizeof(event_node), "/dev/input/%s",
				 e->d_name);
	if (d)
		closedir(d);
	if (!event_node[0]) {
		errno = ENOENT;
		die("the mouse's event node (modprobe evdev?)");
	}
}

static void *mouse_main(void *arg)
{
	struct input_event ev[2] = {
		{ .type = EV_REL, .code = REL_X, .value = 1 },
		{ .type = EV_SYN, .code = SYN_REPORT },
	};
	long long next = now_ns(CLOCK_MONOTONIC);

	(void)arg;
	while (!stop) {
		next += 1000000;
		sleep_until(next);
		if (write(uinput_fd, ev, sizeof(ev)) != sizeof(ev))
			break;
	}
	return NULL;
}

static void *input_main(void *arg)
{
	struct pollfd pfd = { .events = POLLIN };
	struct input_event ev[64];
	int llc = -1;

	(void)arg;
	tids[2] = syscall(SYS_gettid);
	pfd.fd = open(event_node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (pfd.fd < 0)
		die(event_node);
	while (!stop) {
		ssize_t r;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		note_cpu(&llc);
		r = read(pfd.fd, ev, sizeof(ev));
		if (r > 0)
			input_events += r / sizeof(ev[0]);
	}
	close(pfd.fd);
	return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	pthread_t gpu, input, mouse;
	long long period, t0, start, done, *ft;
	long frames, k, nr = 0, missed = 0, skipped = 0;
	char c = 'f';
	int opt, llc = -1;

	while ((opt = getopt(argc, argv, "f:d:w:n")) != -1) {
		switch (opt) {
		case 'f': fps = atol(optarg); break;
		case 'd': seconds = atol(optarg); break;
		case 'w': work_pct = atol(optarg); break;
		case 'n': no_io = 1; break;
		default:
			fprintf(stderr, "usage: %s [-f FPS] [-d SECONDS] [-w PERCENT] [-n]\n",
				argv[0]);
			return 2;
		}
	}
	if (fps < 1 || fps > 1000 || seconds < 1 || work_pct < 1 || work_pct > 95)
		die("arguments");
	period = 1000000000LL / fps;
	frames = fps * seconds;
	ft = calloc(frames, sizeof(*ft));
	if (!ft || pipe2(to_gpu, O_CLOEXEC) || pipe2(from_gpu, O_CLOEXEC))
		die("setup");
	tids[0] = syscall(SYS_gettid);
	read_llcs();
	if (!no_io) {
		open_vgem();
		make_mouse();
		if (pthread_create(&input, NULL, input_main, NULL) ||
		    pthread_create(&mouse, NULL, mouse_main, NULL))
			die("pthread_create");
	}
	if (pthread_create(&gpu, NULL, gpu_main, NULL))
		die("pthread_create");

	t0 = now_ns(CLOCK_MONOTONIC) + 100000000LL;	/* 100 ms to settle */
	for (k = 0; k < frames; k++) {
		start = t0 + k * period;
		if (now_ns(CLOCK_MONOTONIC) > start + period) {
			skipped++;	/* this frame's time is already over */
			continue;
		}
		sleep_until(start);
		note_cpu(&llc);
		burn(period * work_pct / 100);
		if (write(to_gpu[1], &c, 1) != 1 || read(from_gpu[0], &c, 1) != 1)
			die("hand the frame over");
		done = now_ns(CLOCK_MONOTONIC);
		ft[nr++] = done - start;
		if (done > start + period)
			missed++;
	}
	stop = 1;
	close(to_gpu[1]);
	pthread_join(gpu, NULL);
	if (!no_io) {
		pthread_join(mouse, NULL);
		pthread_join(input, NULL);
		ioctl(uinput_fd, UI_DEV_DESTROY);
	}
	qsort(ft, nr, sizeof(*ft), cmp_ll);
	printf("{\"fps\":%ld,\"frames\":%ld,\"missed\":%ld,\"missed_per_1000\":%.1f,"
	       "\"frame_ms_p50\":%.3f,\"frame_ms_p99\":%.3f,\"frame_ms_max\":%.3f,"
	       "\"render_tid\":%d,\"gpu_tid\":%d,\"input_tid\":%d,"
	       "\"gpu_fences\":%ld,\"input_events\":%ld,\"pid\":%d,"
	       "\"nr_llcs\":%d,\"llc_wakeups\":%ld,\"llc_moves\":%ld,"
	       "\"llc_moves_per_s\":%.2f}\n",
	       fps, frames, missed + skipped,
	       1000.0 * (missed + skipped) / frames,
	       nr ? ft[nr / 2] / 1e6 : 0, nr ? ft[(long)(0.99 * (nr - 1))] / 1e6 : 0,
	       nr ? ft[nr - 1] / 1e6 : 0, tids[0], tids[1], tids[2],
	       (long)gpu_fences, (long)input_events, getpid(), nr_llcs,
	       (long)llc_wakeups, (long)llc_moves, (double)llc_moves / seconds);
	free(ft);
	return 0;
}
