// SPDX-License-Identifier: GPL-2.0
/*
 * pins.c - open and check scx_reflex's pins; see pins.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <reflex/abi.h>
#include "pins.h"
#include "report.h"

#define BPF_FS_MAGIC	0xcafe4a11	/* <linux/magic.h> */

#define HINT_PIN	"pin it first: sudo make pin"
#define HINT_REPIN	"remove the pins and pin again: sudo make unpin && sudo make pin"

/* What a pinned map must be. */
struct map_want {
	const char *name;		/* maps/<name> */
	enum bpf_map_type type;
	__u32 key_size;
	__u32 value_size;		/* 0: any (the struct_ops value) */
	__u32 max_entries;		/* 0: any */
	const char *value_type;		/* BTF name of the value, or NULL */
};

static const struct map_want maps[REFLEX_NR_MAPS] = {
	[REFLEX_M_STATS] = { REFLEX_MAP_STATS, BPF_MAP_TYPE_PERCPU_ARRAY,
		4, sizeof(struct reflex_stats), 1, "reflex_stats" },
	[REFLEX_M_TUNABLES] = { REFLEX_MAP_TUNABLES, BPF_MAP_TYPE_ARRAY,
		4, sizeof(struct reflex_tunables), 1, "reflex_tunables" },
	[REFLEX_M_EXIT_INFO] = { REFLEX_MAP_EXIT_INFO, BPF_MAP_TYPE_ARRAY,
		4, sizeof(struct reflex_exit_info), 1, "reflex_exit_info" },
	[REFLEX_M_EVENT_COUNTS] = { REFLEX_MAP_EVENT_COUNTS, BPF_MAP_TYPE_ARRAY,
		4, sizeof(struct reflex_ring_counts), REFLEX_NR_EVENT_RINGS,
		"reflex_ring_counts" },
	[REFLEX_M_TASK_CLASSES] = { REFLEX_MAP_TASK_CLASSES, BPF_MAP_TYPE_LRU_HASH,
		4, sizeof(struct reflex_task_info), 0, "reflex_task_info" },
	[REFLEX_M_GAME] = { REFLEX_MAP_GAME, BPF_MAP_TYPE_ARRAY,
		4, sizeof(struct reflex_game), 1, "reflex_game" },
	[REFLEX_M_GAME_GUESS] = { REFLEX_MAP_GAME_GUESS, BPF_MAP_TYPE_ARRAY,
		4, sizeof(struct reflex_game_guess), 1, "reflex_game_guess" },
	[REFLEX_M_LATENCY] = { REFLEX_MAP_LATENCY, BPF_MAP_TYPE_PERCPU_ARRAY,
		4, sizeof(struct reflex_latency), 1, "reflex_latency" },
	[REFLEX_M_OPS] = { REFLEX_OPS_MAP, BPF_MAP_TYPE_STRUCT_OPS,
		4, 0, 1, NULL },
};

static void report_open_error(const char *path, int err);

bool reflex_pinned(void)
{
	struct stat st;

	return !lstat(REFLEX_PIN_ROOT, &st);
}

__u64 reflex_pins_id(void)
{
	struct stat st;

	return lstat(REFLEX_PIN_MAPS, &st) ? 0 : st.st_ino;
}

/* Who holds the flock() on the file of @st: "pid N (comm)", from /proc/locks. */
static void lock_holder(const struct stat *st, char *buf, size_t len)
{
	unsigned int maj, min;
	unsigned long ino;
	char line[256], path[64], comm[32] = "?";
	FILE *f = fopen("/proc/locks", "re"), *c;
	int pid;

	snprintf(buf, len, "another process");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d: FLOCK %*s %*s %d %x:%x:%lu", &pid, &maj,
			   &min, &ino) != 4 || ino != st->st_ino ||
		    maj != major(st->st_dev) || min != minor(st->st_dev))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		c = fopen(path, "re");
		if (c) {
			if (fgets(comm, sizeof(comm), c))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(c);
		}
		snprintf(buf, len, "pid %d (%s)", pid, comm);
		break;
	}
	fclose(f);
}

/*
 * The lock is a flock() on the pinned maps directory itself: it needs no
 * file of its own, and it belongs to this set of pins.
 */
int reflex_rings_lock(void)
{
	char holder[64];
	struct stat st;
	int fd;

	fd = open(REFLEX_PIN_MAPS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		report_open_error(REFLEX_PIN_MAPS, errno);
		return -1;
	}
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return fd;
	if (fstat(fd, &st))
		memset(&st, 0, sizeof(st));
	lock_holder(&st, holder, sizeof(holder));
	reflex_fail("stop that one first: a ring buffer has one consumer position, so two readers would split the events between them",
		    "%s already reads the input event rings under %s",
		    holder, REFLEX_PIN_MAPS);
	close(fd);
	return -1;
}

/*
 * As bpftool tells them apart: by the name of the anonymous inode behind
 * the fd ("anon_inode:bpf-map"; links were "bpf_link" before 6.x kernels
 * renamed them "bpf-link").
 */
const char *reflex_fd_kind(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return NULL;
	target[n] = '\0';
	if (!strcmp(target, "anon_inode:bpf-map"))
		return "map";
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return "prog";
	if (!strcmp(target, "anon_inode:bpf-link") ||
	    !strcmp(target, "anon_inode:bpf_link"))
		return "link";
	return NULL;
}

int reflex_for_each_pin(const char *dir,
			int (*fn)(const char *name, int fd, const char *kind,
				  void *arg),
			void *arg)
{
	struct dirent **names;
	int i, nr, fd, ret = 0;
	char path[512];

	nr = scandir(dir, &names, NULL, alphasort);
	if (nr < 0)
		return -errno;
	for (i = 0; i < nr; i++) {
		if (!ret && names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			fd = bpf_obj_get(path);
			if (fd >= 0) {
				ret = fn(names[i]->d_name, fd, reflex_fd_kind(fd), arg);
				close(fd);
			}
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

/* Why there is no usable pin at @path, for a pin that bpf_obj_get() missed. */
static void report_open_error(const char *path, int err)
{
	if (err == ENOENT && !reflex_pinned()) {
		reflex_fail(HINT_PIN, "scx_reflex is not pinned (%s does not exist)",
			    REFLEX_PIN_ROOT);
	} else if (err == ENOENT) {
		reflex_fail(HINT_REPIN,
			    "%s is missing: the pins are incomplete or from another version of scx_reflex",
			    path);
	} else if ((err == EACCES || err == EPERM) && geteuid()) {
		reflex_fail("run it as root (sudo)",
			    "permission denied opening %s: the pins are root-only",
			    path);
	} else {
		reflex_fail("see 'dmesg | tail' for what the kernel or an LSM refused",
			    "cannot open %s (running as root): %s (errno %d)",
			    path, strerror(err), err);
	}
}

/*
 * Open the pin at @path and check that it is a BPF object of @kind.
 * Returns the fd or a negative errno, reported unless it is -ENOENT with
 * REFLEX_PIN_OPTIONAL.
 */
int reflex_pin_open(const char *path, const char *kind, unsigned int flags)
{
	const char *found;
	struct statfs sfs;
	struct stat st;
	int fd, err;

	if (lstat(path, &st)) {
		err = errno;
		if (err != ENOENT || !(flags & REFLEX_PIN_OPTIONAL))
			report_open_error(path, err);
		return -err;
	}
	if (!S_ISREG(st.st_mode)) {
		reflex_fail(HINT_REPIN, "%s is a %s, not a pinned BPF %s", path,
			    S_ISDIR(st.st_mode) ? "directory" :
			    S_ISLNK(st.st_mode) ? "symbolic link" : "special file",
			    kind);
		return -EINVAL;
	}
	if (statfs(path, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		reflex_fail(HINT_REPIN, "%s is not on bpffs: not a pinned BPF %s",
			    path, kind);
		return -EINVAL;
	}
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = errno;
		report_open_error(path, err);
		return -err;
	}
	found = reflex_fd_kind(fd);
	if (!found || strcmp(found, kind)) {
		reflex_fail(HINT_REPIN, "%s is a BPF %s, expected a BPF %s", path,
			    found ? found : "object of an unknown kind", kind);
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static const char *map_type_str(__u32 type)
{
	const char *s = libbpf_bpf_map_type_str(type);

	return s ? s : "unknown";
}

/* The BTF name of @info's value type, "" if it has none. */
static void value_type_name(const struct bpf_map_info *info, char *buf,
			    size_t len)
{
	struct btf *btf;
	const struct btf_type *t;

	buf[0] = '\0';
	if (!info->btf_id || !info->btf_value_type_id)
		return;
	btf = btf__load_from_kernel_by_id(info->btf_id);
	if (!btf)
		return;
	t = btf__type_by_id(btf, info->btf_value_type_id);
	if (t)
		snprintf(buf, len, "%s", btf__name_by_offset(btf, t->name_off));
	btf__free(btf);
}

/* Is the map behind @fd what @want describes?  Reports what is not. */
static int check_map(int fd, const char *path, const struct map_want *want,
		     struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	char name[64];
	int err;

	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		err = errno;
		reflex_fail(NULL, "cannot read the map info of %s: %s", path,
			    strerror(err));
		return -err;
	}
	if (info->type != want->type) {
		reflex_fail(HINT_REPIN, "%s is a %s map, expected a %s map", path,
			    map_type_str(info->type), map_type_str(want->type));
		return -EINVAL;
	}
	if (info->key_size != want->key_size ||
	    (want->value_size && info->value_size != want->value_size) ||
	    (want->max_entries && info->max_entries != want->max_entries)) {
		reflex_fail(HINT_REPIN,
			    "%s has %u-byte keys, %u-byte values and %u entries; scx_reflex %s pins one with %u-byte keys, %u-byte values and %u entries",
			    path, info->key_size, info->value_size,
			    info->max_entries, REFLEX_VERSION, want->key_size,
			    want->value_size, want->max_entries);
		return -EINVAL;
	}
	if (!want->value_type)
		return 0;
	value_type_name(info, name, sizeof(name));
	if (strcmp(name, want->value_type)) {
		reflex_fail(HINT_REPIN, "%s holds %s%s, expected struct %s",
			    path, *name ? "struct " : "values without a BTF type",
			    name, want->value_type);
		return -EINVAL;
	}
	return 0;
}

static int open_map(const char *path, const struct map_want *want,
		    unsigned int flags, struct bpf_map_info *info)
{
	struct bpf_map_info tmp;
	int fd, err;

	fd = reflex_pin_open(path, "map", flags);
	if (fd < 0)
		return fd;
	err = check_map(fd, path, want, info ? info : &tmp);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int reflex_map_open(enum reflex_map_id id, unsigned int flags,
		    struct bpf_map_info *info)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", REFLEX_PIN_MAPS, maps[id].name);
	return open_map(path, &maps[id], flags, info);
}

int reflex_ring_open(unsigned int ring)
{
	const struct map_want want = {
		.type = BPF_MAP_TYPE_RINGBUF,
		.max_entries = REFLEX_EVENT_RING_SIZE,
	};
	char path[256];

	snprintf(path, sizeof(path), "%s/" REFLEX_MAP_EVENTS_FMT,
		 REFLEX_PIN_MAPS, ring);
	return open_map(path, &want, 0, NULL);
}

int reflex_link_open(unsigned int flags)
{
	return reflex_pin_open(REFLEX_PIN_LINK, "link", flags);
}
