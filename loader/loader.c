// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-loader - attach scx_reflex from its pins, detach it, report on it.
 *
 * `make pin` has bpftool load the BPF object and pin its programs and maps
 * under /sys/fs/bpf/scx_reflex; bpftool creates the sched_ext_ops struct_ops
 * map but leaves its value empty.  `reflex-loader attach` fills that value
 * the way libbpf would for a skeleton: the layout comes from the running
 * kernel's BTF, each function slot gets the fd of the pinned program
 * progs/reflex_<slot>, the data members (name, flags, timeout_ms, ...) come
 * from <reflex/abi.h>, which the BPF object's own initializer also uses.
 * It then creates the struct_ops link and pins it, so the scheduler keeps
 * running after this process exits.  Removing the link pin detaches it.
 *
 * Only libbpf's low-level API is used, so any libbpf >= 1.1 will do.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <reflex/abi.h>
#include "json.h"
#include "report.h"

#ifndef REFLEX_VERSION
#define REFLEX_VERSION "unknown"
#endif

/*
 * BPF_STRUCT_OPS joined enum bpf_attach_type in Linux 6.4; Debian 12's
 * stock uapi headers are older, so the value is named here.
 */
#define ATTACH_STRUCT_OPS	44

#define SCX_SYSFS		"/sys/kernel/sched_ext"
#define OPS_VALUE_TYPE		"bpf_struct_ops_sched_ext_ops"
#define STATE_TIMEOUT_MS	30000	/* TCG guests are slow to disable */

static const char *prog_name = "reflex-loader";
static bool json_out;
static bool pretty;

static void note(const char *fmt, ...)
{
	va_list ap;

	if (json_out)
		return;
	va_start(ap, fmt);
	printf("%s: ", prog_name);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/* ---- small helpers -------------------------------------------------- */

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		err = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!err)
		buf[strcspn(buf, "\n")] = '\0';
	return err;
}

static bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool have_sched_ext(void)
{
	if (path_exists(SCX_SYSFS))
		return true;
	reflex_fail("see Documentation/workflow.rst (the VM tests run a sched_ext kernel: 'make run')",
	     "kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT): %s is missing",
	     SCX_SYSFS);
	return false;
}

static bool am_root(const char *what)
{
	if (geteuid() == 0)
		return true;
	reflex_fail("run it as root (sudo)",
	     "%s needs root: the pins under %s are root-only", what,
	     REFLEX_PIN_ROOT);
	return false;
}

/* The kind of BPF object behind @fd: "prog", "map", "link" or "". */
static const char *bpf_fd_kind(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return "";
	target[n] = '\0';
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return "prog";
	if (!strcmp(target, "anon_inode:bpf-map"))
		return "map";
	if (!strcmp(target, "anon_inode:bpf_link"))
		return "link";
	return "";
}

static const char *map_type_name(__u32 type)
{
	static const char *const names[] = {
		[1] = "hash", [2] = "array", [5] = "percpu_hash",
		[6] = "percpu_array", [BPF_MAP_TYPE_STRUCT_OPS] = "struct_ops",
		[BPF_MAP_TYPE_RINGBUF] = "ringbuf",
		[BPF_MAP_TYPE_TASK_STORAGE] = "task_storage",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "other";
}

/*
 * Open a pinned map and check its type.  Returns the fd, or -1 after
 * reporting what is wrong with the pin.
 */
static int open_pinned_map(const char *path, __u32 type,
			   struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	const char *kind;
	int fd;

	fd = bpf_obj_get(path);
	if (fd < 0) {
		int err = errno;

		reflex_fail(err == ENOENT ? "pin the scheduler first: make pin" :
		     "remove the pins with 'make unpin' and pin again with 'make pin'",
		     "cannot open pinned map %s: %s", path, strerror(err));
		return -1;
	}
	kind = bpf_fd_kind(fd);
	if (strcmp(kind, "map")) {
		reflex_fail("remove the pins with 'make unpin' and pin again with 'make pin'",
		     "%s is a BPF %s, not a map", path, *kind ? kind : "object");
		goto err;
	}
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		reflex_fail(NULL, "cannot read map info of %s: %s", path,
		     strerror(errno));
		goto err;
	}
	if (info->type != type) {
		reflex_fail("something else is pinned there: remove the pins with 'make unpin' and pin again with 'make pin'",
		     "%s is a %s map (type %u), expected a %s map", path,
		     map_type_name(info->type), info->type,
		     map_type_name(type));
		goto err;
	}
	return fd;
err:
	close(fd);
	return -1;
}

/* ---- BTF ------------------------------------------------------------ */

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id,
					__u32 *res_id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (res_id)
		*res_id = id;
	return t;
}

static const struct btf_member *find_member(const struct btf *btf,
					    const struct btf_type *t,
					    const char *name)
{
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return m;
	return NULL;
}

/*
 * Find enumerator @name (or, if @name is NULL, the one whose value is
 * *@val) in kernel enum @enum_name; fill in the other half.  Kernels
 * describe 64-bit enums as ENUM64 and others as ENUM.
 */
static int btf_enum_lookup(const struct btf *btf, const char *enum_name,
			   const char **name, __u64 *val)
{
	const struct btf_type *t;
	int id, i;

	id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM64);
	if (id < 0)
		id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *n;
		__u64 v;

		if (btf_is_enum64(t)) {
			n = btf__name_by_offset(btf, btf_enum64(t)[i].name_off);
			v = btf_enum64_value(&btf_enum64(t)[i]);
		} else {
			n = btf__name_by_offset(btf, btf_enum(t)[i].name_off);
			v = (__u32)btf_enum(t)[i].val;
		}
		if (*name ? !strcmp(n, *name) : v == *val) {
			*name = n;
			*val = v;
			return 0;
		}
	}
	return -ENOENT;
}

static int btf_enum_value(const struct btf *btf, const char *enum_name,
			  const char *name, __u64 *val)
{
	return btf_enum_lookup(btf, enum_name, &name, val);
}

/* Name of the value @val of kernel enum @enum_name, or NULL. */
static const char *btf_enum_name(const struct btf *btf, const char *enum_name,
				 __u64 val)
{
	const char *name = NULL;

	return btf_enum_lookup(btf, enum_name, &name, &val) ? NULL : name;
}

static struct btf *load_kernel_btf(void)
{
	struct btf *btf = btf__load_vmlinux_btf();

	if (!btf)
		reflex_fail("the kernel needs CONFIG_DEBUG_INFO_BTF=y",
		     "cannot load the kernel's BTF (/sys/kernel/btf/vmlinux): %s",
		     strerror(errno));
	return btf;
}

/* ---- input hooks ---------------------------------------------------- */

/*
 * Call @fn for every pinned program of @type under progs/, with its name
 * and fd; stop at the first non-zero return.
 */
static int for_each_pinned_prog(__u32 type,
				int (*fn)(const char *name, int fd, void *arg),
				void *arg)
{
	DIR *d = opendir(REFLEX_PIN_PROGS);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		reflex_fail("pin the scheduler with 'make pin'", "cannot list %s: %s",
		     REFLEX_PIN_PROGS, strerror(errno));
		return -1;
	}
	while (!ret && (e = readdir(d))) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		char path[PATH_MAX];
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", REFLEX_PIN_PROGS,
			 e->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!strcmp(bpf_fd_kind(fd), "prog") &&
		    !bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.type == type)
			ret = fn(e->d_name, fd, arg);
		close(fd);
	}
	closedir(d);
	return ret;
}

static int attach_hook(const char *name, int fd, void *arg)
{
	char path[PATH_MAX];
	int link;

	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0) {
		reflex_fail("the kernel log may say more: 'dmesg | tail'",
		     "cannot attach input hook %s: %s", name, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", REFLEX_PIN_HOOK_LINKS, name);
	if (bpf_obj_pin(link, path)) {
		reflex_fail(NULL, "cannot pin the link of input hook %s at %s: %s",
		     name, path, strerror(errno));
		close(link);
		return -1;
	}
	close(link);
	(*(int *)arg)++;
	return 0;
}

/*
 * Detach the input hooks: remove each link pin under links/ (detaching it
 * first, in case someone else holds the link), then the directory.
 */
static int detach_hooks(void)
{
	DIR *d = opendir(REFLEX_PIN_HOOK_LINKS);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", REFLEX_PIN_HOOK_LINKS,
			 e->d_name);
		fd = bpf_obj_get(path);
		if (fd >= 0 && !strcmp(bpf_fd_kind(fd), "link"))
			bpf_link_detach(fd);
		if (fd >= 0)
			close(fd);
		if (unlink(path)) {
			reflex_fail(NULL, "cannot remove %s: %s", path, strerror(errno));
			ret = -1;
		}
	}
	closedir(d);
	if (!ret && rmdir(REFLEX_PIN_HOOK_LINKS)) {
		reflex_fail(NULL, "cannot remove %s: %s", REFLEX_PIN_HOOK_LINKS,
		     strerror(errno));
		ret = -1;
	}
	return ret;
}

/* Attach every pinned tracing program; returns how many, or -1. */
static int attach_hooks(void)
{
	int nr = 0;

	if (mkdir(REFLEX_PIN_HOOK_LINKS, 0700)) {
		reflex_fail("detach first: 'make unpin', then 'make pin'",
		     "cannot create %s: %s", REFLEX_PIN_HOOK_LINKS,
		     strerror(errno));
		return -1;
	}
	if (for_each_pinned_prog(BPF_PROG_TYPE_TRACING, attach_hook, &nr)) {
		detach_hooks();
		return -1;
	}
	return nr;
}

/* ---- attach --------------------------------------------------------- */

struct ops_value {
	const struct btf *btf;
	const struct btf_type *ops;	/* struct sched_ext_ops */
	char *data;			/* its bytes inside the map value */
	int prog_fds[128];
	int nr_progs;
};

/* Write an integer data member of sched_ext_ops. */
static int set_int_member(struct ops_value *v, const char *name, __u64 val)
{
	const struct btf_member *m = find_member(v->btf, v->ops, name);
	const struct btf_type *t;
	char *p;

	if (!m) {
		reflex_fail("this kernel's sched_ext is too old or too new for scx_reflex",
		     "the kernel's struct sched_ext_ops has no member '%s'",
		     name);
		return -1;
	}
	t = skip_mods(v->btf, m->type, NULL);
	p = v->data + btf_member_bit_offset(v->ops, m - btf_members(v->ops)) / 8;
	switch (t && btf_is_int(t) ? t->size : 0) {
	case 4:
		*(__u32 *)p = val;
		return 0;
	case 8:
		*(__u64 *)p = val;
		return 0;
	}
	reflex_fail(NULL, "sched_ext_ops.%s is not a 32- or 64-bit integer", name);
	return -1;
}

static int set_data_members(struct ops_value *v)
{
	const struct btf_member *m = find_member(v->btf, v->ops, "name");
	const char *const flag_names[] = {
#define FLAG_NAME(f) #f,
		REFLEX_OPS_FLAGS(FLAG_NAME)
#undef FLAG_NAME
	};
	__u64 flags = 0, bit;
	char seq[32];
	size_t i;

	const struct btf_type *t = m ? skip_mods(v->btf, m->type, NULL) : NULL;

	if (!t || !btf_is_array(t) ||
	    btf_array(t)->nelems < sizeof(REFLEX_OPS_NAME)) {
		reflex_fail(NULL, "the kernel's sched_ext_ops.name is not a char array that fits '%s'",
		     REFLEX_OPS_NAME);
		return -1;
	}
	memcpy(v->data + btf_member_bit_offset(v->ops, m - btf_members(v->ops)) / 8,
	       REFLEX_OPS_NAME, sizeof(REFLEX_OPS_NAME));

	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (btf_enum_value(v->btf, "scx_ops_flags", flag_names[i], &bit)) {
			reflex_fail("scx_reflex needs a newer kernel (see README.md)",
			     "this kernel does not know sched_ext flag %s",
			     flag_names[i]);
			return -1;
		}
		flags |= bit;
	}
	if (set_int_member(v, "flags", flags) ||
	    set_int_member(v, "timeout_ms", REFLEX_OPS_TIMEOUT_MS))
		return -1;

	/*
	 * With the hotplug sequence number the kernel can tell that a CPU
	 * came or went while we were attaching, and refuse rather than run
	 * with a stale view of the CPUs.
	 */
	if (!read_line(SCX_SYSFS "/hotplug_seq", seq, sizeof(seq)) &&
	    find_member(v->btf, v->ops, "hotplug_seq"))
		return set_int_member(v, "hotplug_seq", strtoull(seq, NULL, 10));
	return 0;
}

static bool is_func_ptr(const struct btf *btf, __u32 type_id)
{
	const struct btf_type *t = skip_mods(btf, type_id, NULL);

	if (!t || !btf_is_ptr(t))
		return false;
	t = skip_mods(btf, t->type, NULL);
	return t && btf_is_func_proto(t);
}

/* Put the fd of progs/reflex_<member> into each function slot. */
static int set_prog_slots(struct ops_value *v)
{
	const struct btf_member *m = btf_members(v->ops);
	char path[PATH_MAX];
	int i, fd;

	for (i = 0; i < btf_vlen(v->ops); i++, m++) {
		const char *name = btf__name_by_offset(v->btf, m->name_off);
		const char *kind;

		if (!is_func_ptr(v->btf, m->type))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", REFLEX_PIN_PROGS,
			 REFLEX_OPS_PROG_PREFIX, name);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* op not implemented */
			reflex_fail("remove the pins with 'make unpin' and pin again with 'make pin'",
			     "cannot open pinned program %s: %s", path,
			     strerror(errno));
			return -1;
		}
		kind = bpf_fd_kind(fd);
		if (strcmp(kind, "prog")) {
			reflex_fail("remove the pins with 'make unpin' and pin again with 'make pin'",
			     "%s is a BPF %s, not a program", path,
			     *kind ? kind : "object");
			close(fd);
			return -1;
		}
		if ((size_t)v->nr_progs >= sizeof(v->prog_fds) / sizeof(int)) {
			close(fd);
			reflex_fail(NULL, "more than %zu struct_ops programs",
			     sizeof(v->prog_fds) / sizeof(int));
			return -1;
		}
		v->prog_fds[v->nr_progs++] = fd;
		*(__u64 *)(v->data + btf_member_bit_offset(v->ops, i) / 8) = fd;
	}
	if (!v->nr_progs) {
		reflex_fail("pin the scheduler with 'make pin' (it runs bpftool prog loadall)",
		     "no struct_ops programs found under %s", REFLEX_PIN_PROGS);
		return -1;
	}
	return 0;
}

/*
 * Every pinned struct_ops program must have found a slot: one that did not
 * is a program for an op this kernel does not have, and attaching without
 * it would silently run a different scheduler.
 */
static int check_prog_used(const char *name, int fd, void *arg)
{
	struct ops_value *v = arg;
	size_t plen = strlen(REFLEX_OPS_PROG_PREFIX);

	(void)fd;
	if (!strncmp(name, REFLEX_OPS_PROG_PREFIX, plen) &&
	    find_member(v->btf, v->ops, name + plen))
		return 0;
	reflex_fail("the object was built for another kernel: rebuild against this one (make clean all) and pin again",
	     "pinned program %s/%s matches no member of this kernel's struct sched_ext_ops",
	     REFLEX_PIN_PROGS, name);
	return -1;
}

static int check_all_progs_used(struct ops_value *v)
{
	return for_each_pinned_prog(BPF_PROG_TYPE_STRUCT_OPS, check_prog_used,
				    v);
}

/* Wait until /sys/kernel/sched_ext/state reads @want (or "disabled"). */
static int wait_state(const char *want, char *state, size_t len)
{
	int waited;

	for (waited = 0; waited <= STATE_TIMEOUT_MS; waited += 20) {
		if (read_line(SCX_SYSFS "/state", state, len))
			return -1;
		if (!strcmp(state, want) || !strcmp(state, "disabled"))
			return 0;
		sleep_ms(20);
	}
	return -1;
}

static int read_exit_info(struct reflex_exit_info *ei)
{
	int fd = bpf_obj_get(REFLEX_PIN_MAPS "/" REFLEX_MAP_EXIT_INFO);
	__u32 key = 0;
	int err;

	if (fd < 0)
		return -1;
	err = bpf_map_lookup_elem(fd, &key, ei);
	close(fd);
	return err;
}

static void explain_failed_enable(void)
{
	struct reflex_exit_info ei;

	if (read_exit_info(&ei) || !ei.kind) {
		reflex_fail("see 'dmesg | grep sched_ext'",
		     "the kernel disabled scx_reflex while enabling it");
		return;
	}
	reflex_fail("see 'dmesg | grep sched_ext'; fix the cause and 'make pin' again",
	     "the kernel disabled scx_reflex while enabling it: %s%s%s",
	     ei.reason, ei.msg[0] ? ": " : "", ei.msg);
}

static int link_create_error(int err)
{
	char ops[128] = "";

	if (err == EBUSY || err == EEXIST) {
		read_line(SCX_SYSFS "/root/ops", ops, sizeof(ops));
		reflex_fail("stop it first (e.g. 'systemctl stop scx_loader scx'), then 'make pin' again",
		     "another sched_ext scheduler is attached%s%s", *ops ? ": " : "",
		     ops);
		return -1;
	}
	if (err == EINVAL || err == ENOENT) {
		explain_failed_enable();
		return -1;
	}
	reflex_fail("see 'dmesg | grep sched_ext'",
	     "cannot attach the struct_ops map: %s", strerror(err));
	return -1;
}

static int cmd_attach(void)
{
	struct ops_value v = { .nr_progs = 0 };
	const struct btf_type *vt;
	const struct btf_member *data;
	struct bpf_map_info info;
	struct btf *btf = NULL;
	char *value = NULL, state[32];
	int map_fd, link_fd = -1, ret = 1, nr_hooks, i;
	__u32 key = 0;

	if (!have_sched_ext() || !am_root("attach"))
		return 1;
	if (path_exists(REFLEX_PIN_LINK)) {
		reflex_fail("detach first: 'make unpin', then 'make pin'",
		     "already attached: %s exists", REFLEX_PIN_LINK);
		return 1;
	}
	map_fd = open_pinned_map(REFLEX_PIN_MAPS "/" REFLEX_OPS_MAP,
				 BPF_MAP_TYPE_STRUCT_OPS, &info);
	if (map_fd < 0)
		return 1;
	btf = load_kernel_btf();
	if (!btf)
		goto out;

	vt = btf__type_by_id(btf, info.btf_vmlinux_value_type_id);
	if (!vt || !btf_is_struct(vt) ||
	    strcmp(btf__name_by_offset(btf, vt->name_off), OPS_VALUE_TYPE)) {
		reflex_fail("remove the pins with 'make unpin' and pin again with 'make pin'",
		     "%s/%s is not a sched_ext_ops struct_ops map",
		     REFLEX_PIN_MAPS, REFLEX_OPS_MAP);
		goto out;
	}
	data = find_member(btf, vt, "data");
	if (!data || vt->size != info.value_size) {
		reflex_fail(NULL, "unexpected layout of struct %s in kernel BTF",
		     OPS_VALUE_TYPE);
		goto out;
	}
	value = calloc(1, info.value_size);
	if (!value) {
		reflex_fail(NULL, "out of memory");
		goto out;
	}
	v.btf = btf;
	v.ops = skip_mods(btf, data->type, NULL);
	v.data = value + btf_member_bit_offset(vt, data - btf_members(vt)) / 8;

	if (set_prog_slots(&v) || check_all_progs_used(&v) ||
	    set_data_members(&v))
		goto out;

	/*
	 * The map takes the value once.  After a detach it stays READY with
	 * the same programs, and a second update fails with EBUSY: then a new
	 * link is all it takes.
	 */
	if (bpf_map_update_elem(map_fd, &key, value, 0) && errno != EBUSY) {
		reflex_fail("the kernel log may say more: 'dmesg | tail'",
		     "cannot load the struct_ops value into %s/%s: %s",
		     REFLEX_PIN_MAPS, REFLEX_OPS_MAP, strerror(errno));
		goto out;
	}

	/* The input hooks first, so the scheduler starts with input state. */
	nr_hooks = attach_hooks();
	if (nr_hooks < 0)
		goto out;

	link_fd = bpf_link_create(map_fd, 0, ATTACH_STRUCT_OPS, NULL);
	if (link_fd < 0) {
		link_create_error(errno);
		goto out_hooks;
	}
	if (bpf_obj_pin(link_fd, REFLEX_PIN_LINK)) {
		reflex_fail("is bpffs mounted read-write at /sys/fs/bpf?",
		     "cannot pin the link at %s: %s", REFLEX_PIN_LINK,
		     strerror(errno));
		goto out_hooks;	/* closing the only link fd detaches */
	}

	if (wait_state("enabled", state, sizeof(state)) ||
	    strcmp(state, "enabled")) {
		explain_failed_enable();
		bpf_link_detach(link_fd);
		unlink(REFLEX_PIN_LINK);
		goto out_hooks;
	}
	note("attached %s and %d input hooks; the links are pinned at %s and %s/",
	     REFLEX_OPS_NAME, nr_hooks, REFLEX_PIN_LINK, REFLEX_PIN_HOOK_LINKS);
	ret = 0;
	goto out;
out_hooks:
	detach_hooks();
out:
	for (i = 0; i < v.nr_progs; i++)
		close(v.prog_fds[i]);
	if (link_fd >= 0)
		close(link_fd);
	free(value);
	btf__free(btf);
	close(map_fd);
	return ret;
}

/* ---- detach --------------------------------------------------------- */

static int cmd_detach(void)
{
	char state[32] = "";
	int fd;

	if (!have_sched_ext() || !am_root("detach"))
		return 1;
	if (detach_hooks())
		return 1;
	if (!path_exists(REFLEX_PIN_LINK)) {
		note("not attached (no %s)", REFLEX_PIN_LINK);
		return 0;
	}
	fd = bpf_obj_get(REFLEX_PIN_LINK);
	if (fd >= 0 && !strcmp(bpf_fd_kind(fd), "link"))
		bpf_link_detach(fd);	/* even if someone else holds it */
	if (fd >= 0)
		close(fd);
	if (unlink(REFLEX_PIN_LINK)) {
		reflex_fail(NULL, "cannot remove %s: %s", REFLEX_PIN_LINK,
		     strerror(errno));
		return 1;
	}
	if (wait_state("disabled", state, sizeof(state)) ||
	    strcmp(state, "disabled")) {
		reflex_fail("see 'dmesg | grep sched_ext'",
		     "detached, but sched_ext still reads '%s' after %d s",
		     state, STATE_TIMEOUT_MS / 1000);
		return 1;
	}
	note("detached %s", REFLEX_OPS_NAME);
	return 0;
}

/* ---- status --------------------------------------------------------- */

struct status {
	char state[32];
	char ops[128];
	bool pinned;		/* anything under REFLEX_PIN_ROOT */
	bool readable;		/* we may look at the pins */
	bool link;		/* the link is pinned */
	__u32 link_id;
	char hooks[256];	/* names of the pinned input hook links */
	int nr_hooks;
	bool running;		/* reflex is the live sched_ext scheduler */
	bool have_exit;
	struct reflex_exit_info exit;
	char exit_kind[64];	/* enum scx_exit_kind name, "" if unknown */
};

static void list_hooks(struct status *s)
{
	DIR *d = opendir(REFLEX_PIN_HOOK_LINKS);
	struct dirent *e;
	size_t len = 0;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		len += snprintf(s->hooks + len, sizeof(s->hooks) - len, "%s%s",
				len ? " " : "", e->d_name);
		if (len >= sizeof(s->hooks))
			len = sizeof(s->hooks) - 1;
		s->nr_hooks++;
	}
	closedir(d);
}

static void get_status(struct status *s, const struct btf *btf)
{
	memset(s, 0, sizeof(*s));
	if (read_line(SCX_SYSFS "/state", s->state, sizeof(s->state)))
		strcpy(s->state, "unknown");
	read_line(SCX_SYSFS "/root/ops", s->ops, sizeof(s->ops));
	s->running = !strcmp(s->state, "enabled") &&
		     !strcmp(s->ops, REFLEX_OPS_NAME);
	s->pinned = path_exists(REFLEX_PIN_ROOT);
	s->readable = geteuid() == 0;
	if (!s->pinned || !s->readable)
		return;

	s->link = path_exists(REFLEX_PIN_LINK);
	if (s->link) {
		struct bpf_link_info li = {};
		__u32 len = sizeof(li);
		int fd = bpf_obj_get(REFLEX_PIN_LINK);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &li, &len))
			s->link_id = li.id;
		if (fd >= 0)
			close(fd);
	}
	list_hooks(s);
	if (!read_exit_info(&s->exit) && s->exit.kind) {
		const char *kind = btf ? btf_enum_name(btf, "scx_exit_kind",
						       s->exit.kind) : NULL;

		s->have_exit = true;
		snprintf(s->exit_kind, sizeof(s->exit_kind), "%s",
			 kind ? kind : "");
	}
}

static void print_hook_names_json(struct json *j, const char *names)
{
	char buf[sizeof(((struct status *)0)->hooks)], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", names);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		json_str(j, NULL, tok);
}

static void print_status_json(const struct status *s)
{
	struct json j;

	json_init(&j, stdout, pretty);
	json_obj_begin(&j, NULL);
	json_str(&j, "state", s->state);
	json_str(&j, "ops", s->ops);
	json_bool(&j, "running", s->running);
	json_str(&j, "pin_root", REFLEX_PIN_ROOT);
	json_bool(&j, "pinned", s->pinned);
	if (s->readable) {
		json_bool(&j, "link_pinned", s->link);
		if (s->link_id)
			json_u64(&j, "link_id", s->link_id);
		json_arr_begin(&j, "hooks");
		print_hook_names_json(&j, s->hooks);
		json_arr_end(&j);
	}
	if (s->have_exit) {
		json_obj_begin(&j, "exit");
		json_str(&j, "kind", s->exit_kind);
		json_u64(&j, "kind_value", s->exit.kind);
		json_s64(&j, "exit_code", s->exit.exit_code);
		json_s64(&j, "exit_cpu", s->exit.exit_cpu);
		json_str(&j, "reason", s->exit.reason);
		json_str(&j, "msg", s->exit.msg);
		json_obj_end(&j);
	} else {
		json_null(&j, "exit");
	}
	json_obj_end(&j);
	json_finish(&j);
}

static void print_status_text(const struct status *s)
{
	printf("state:    %s\n", s->state);
	printf("ops:      %s\n", *s->ops ? s->ops : "-");
	if (!s->pinned)
		printf("pins:     none (%s does not exist)\n", REFLEX_PIN_ROOT);
	else if (!s->readable)
		printf("pins:     %s (not readable: run as root)\n",
		       REFLEX_PIN_ROOT);
	else if (!s->link)
		printf("pins:     %s (not attached: no link pinned)\n",
		       REFLEX_PIN_ROOT);
	else
		printf("pins:     %s (link id %u%s)\n", REFLEX_PIN_ROOT,
		       s->link_id, s->running ? "" :
		       "; stale: the kernel is not running scx_reflex");
	if (s->pinned && s->readable)
		printf("hooks:    %s\n", s->nr_hooks ? s->hooks : "none");
	if (!s->have_exit) {
		if (s->pinned && s->readable)
			printf("exit:     none\n");
		return;
	}
	printf("exit:     %s (%u), code %lld, cpu %d\n",
	       *s->exit_kind ? s->exit_kind : "unknown kind", s->exit.kind,
	       (long long)s->exit.exit_code, s->exit.exit_cpu);
	printf("reason:   %s\n", s->exit.reason);
	if (s->exit.msg[0])
		printf("message:  %s\n", s->exit.msg);
	if (s->link && !s->running)
		printf("hint:     'make unpin && make pin' starts it again\n");
}

/*
 * Exit status, as with LSB init scripts: 0 when scx_reflex is the running
 * scheduler, 3 when it is not, 1 when the status cannot be read.
 */
static int cmd_status(void)
{
	struct status s;
	struct btf *btf;

	if (!have_sched_ext())
		return 1;
	btf = btf__load_vmlinux_btf();	/* only to name the exit kind */
	get_status(&s, btf);
	btf__free(btf);
	if (json_out)
		print_status_json(&s);
	else
		print_status_text(&s);
	return s.running ? 0 : 3;
}

/* ---- main ----------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS] COMMAND\n"
"\n"
"Attach the scx_reflex scheduler from its pins under %s.\n"
"\n"
"Commands:\n"
"  attach   fill the pinned struct_ops map, create the link, pin it\n"
"  detach   detach the scheduler and remove the link pin\n"
"  status   show sched_ext's state, the pins and why the scheduler last\n"
"           stopped; exit 0 if scx_reflex is running, 3 if not\n"
"\n"
"Options:\n"
"  -j, --json     JSON output (errors too)\n"
"  -p, --pretty   indented JSON (implies -j)\n"
"  -h, --help     this text\n"
"  -V, --version  print the version\n"
"\n"
"Normally run by 'make pin' and 'make unpin'; see Documentation/workflow.rst.\n",
		prog_name, REFLEX_PIN_ROOT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "jphV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pretty = true;
			/* fallthrough */
		case 'j':
			json_out = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog_name, REFLEX_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	umask(077);	/* pins are root-only */
	reflex_report_init(prog_name, json_out, pretty);

	cmd = argv[optind];
	if (!strcmp(cmd, "attach"))
		return cmd_attach();
	if (!strcmp(cmd, "detach"))
		return cmd_detach();
	if (!strcmp(cmd, "status"))
		return cmd_status();
	reflex_fail("see --help", "unknown command '%s'", cmd);
	return 2;
}
