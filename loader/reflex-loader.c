// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-loader - attach scx_reflex from its pins, or detach it.
 *
 * `make pin` has bpftool load the BPF object, pin its programs and maps
 * under REFLEX_PIN_ROOT and attach its tracing hooks; bpftool
 * creates the sched_ext_ops struct_ops map but leaves its value empty.
 * `reflex-loader attach` fills that value the way libbpf does for a
 * skeleton: the layout comes from the running kernel's BTF, each function
 * slot <op> gets the fd of the pinned program progs/reflex_<op>, and the
 * data members (name, flags, timeout_ms, hotplug_seq) come from
 * <reflex/abi.h> and sysfs.  It then creates the struct_ops link, pins it
 * so that the scheduler outlives this process, and waits until sched_ext
 * reads "enabled".  `reflex-loader detach` removes the link pin and waits
 * until the kernel has let go.  Inspecting is reflex-status's job.
 *
 * Only libbpf's low-level API is used, so any libbpf >= 1.1 will do.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <reflex/abi.h>
#include "args.h"
#include "pins.h"
#include "report.h"
#include "scx.h"

/*
 * BPF_STRUCT_OPS joined enum bpf_attach_type in Linux 6.4; Debian 12's
 * stock uapi headers are older, so the value is named here.
 */
#define ATTACH_STRUCT_OPS	44

#define OPS_VALUE_TYPE		"bpf_struct_ops_sched_ext_ops"
#define STATE_TIMEOUT_MS	30000	/* TCG guests are slow to disable */
#define MAX_OPS			128	/* function slots of sched_ext_ops */

static const char *prog_name = "reflex-loader";
static bool json;

/* What was done, for people; nothing with -j (only errors are printed). */
#define note(fmt, args...)						\
do {									\
	if (!json)							\
		printf("%s: " fmt "\n", prog_name, ##args);		\
} while (0)

/* The kernel's struct_ops value for sched_ext_ops, being filled in. */
struct ops_value {
	struct btf *btf;		/* the running kernel's */
	const struct btf_type *ops;	/* struct sched_ext_ops */
	char *data;			/* its bytes inside the map value */
	int prog_fds[MAX_OPS];
	int nr_progs;
};

static const struct btf_type *resolve(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

static const struct btf_member *member(const struct ops_value *v,
				       const char *name)
{
	const struct btf_member *m = btf_members(v->ops);
	int i;

	for (i = 0; i < btf_vlen(v->ops); i++, m++)
		if (!strcmp(btf__name_by_offset(v->btf, m->name_off), name))
			return m;
	return NULL;
}

static void *member_ptr(const struct ops_value *v, const struct btf_member *m)
{
	return v->data + btf_member_bit_offset(v->ops, m - btf_members(v->ops)) / 8;
}

/* Write integer data member @name of sched_ext_ops. */
static int set_int(struct ops_value *v, const char *name, __u64 val)
{
	const struct btf_member *m = member(v, name);
	const struct btf_type *t = m ? resolve(v->btf, m->type) : NULL;

	if (!t || !btf_is_int(t) || (t->size != 4 && t->size != 8)) {
		reflex_fail("this kernel's sched_ext is not one scx_reflex supports (Documentation/workflow.rst)",
			    "the kernel's struct sched_ext_ops has no integer member '%s'",
			    name);
		return -1;
	}
	if (t->size == 4)
		*(__u32 *)member_ptr(v, m) = val;
	else
		*(__u64 *)member_ptr(v, m) = val;
	return 0;
}

static int set_data_members(struct ops_value *v)
{
	static const struct {
		const char *name;
		bool needed;
	} ops_flags[] = {
#define OPS_FLAG(f, needed) { #f, needed },
		REFLEX_OPS_FLAGS(OPS_FLAG)
#undef OPS_FLAG
	};
	const struct btf_member *m = member(v, "name");
	const struct btf_type *t = m ? resolve(v->btf, m->type) : NULL;
	__u64 flags = 0, bit;
	char seq[32];
	size_t i;

	if (!t || !btf_is_array(t) ||
	    btf_array(t)->nelems < sizeof(REFLEX_OPS_NAME)) {
		reflex_fail(NULL, "the kernel's sched_ext_ops.name is not a char array that fits '%s'",
			    REFLEX_OPS_NAME);
		return -1;
	}
	memcpy(member_ptr(v, m), REFLEX_OPS_NAME, sizeof(REFLEX_OPS_NAME));

	for (i = 0; i < sizeof(ops_flags) / sizeof(ops_flags[0]); i++) {
		if (!reflex_btf_enum_value(v->btf, "scx_ops_flags",
					   ops_flags[i].name, &bit)) {
			flags |= bit;
		} else if (ops_flags[i].needed) {
			reflex_fail("scx_reflex needs a newer kernel (see README.md)",
				    "this kernel does not know sched_ext flag %s",
				    ops_flags[i].name);
			return -1;
		} else {
			note("this kernel has no sched_ext flag %s; attaching without it (Documentation/compat.rst)",
			     ops_flags[i].name);
		}
	}
	if (set_int(v, "flags", flags) ||
	    set_int(v, "timeout_ms", REFLEX_OPS_TIMEOUT_MS))
		return -1;

	/*
	 * With the hotplug sequence number the kernel can tell that a CPU
	 * came or went while we were attaching, and refuse rather than run
	 * with a stale view of the CPUs.
	 */
	if (!reflex_scx_read("hotplug_seq", seq, sizeof(seq)) &&
	    member(v, "hotplug_seq"))
		return set_int(v, "hotplug_seq", strtoull(seq, NULL, 10));
	return 0;
}

static bool is_func_ptr(const struct btf *btf, __u32 type_id)
{
	const struct btf_type *t = resolve(btf, type_id);

	return t && btf_is_ptr(t) && (t = resolve(btf, t->type)) &&
	       btf_is_func_proto(t);
}

/* Put the fd of progs/reflex_<member> into each function slot. */
static int set_prog_slots(struct ops_value *v)
{
	const struct btf_member *m = btf_members(v->ops);
	char path[PATH_MAX];
	int i, fd;

	for (i = 0; i < btf_vlen(v->ops); i++, m++) {
		if (!is_func_ptr(v->btf, m->type))
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", REFLEX_PIN_PROGS,
			 REFLEX_OPS_PROG_PREFIX,
			 btf__name_by_offset(v->btf, m->name_off));
		fd = reflex_pin_open(path, "prog", REFLEX_PIN_OPTIONAL);
		if (fd == -ENOENT)
			continue;	/* op not implemented */
		if (fd < 0)
			return -1;
		if (v->nr_progs == MAX_OPS) {
			close(fd);
			reflex_fail(NULL, "more than %d struct_ops programs", MAX_OPS);
			return -1;
		}
		v->prog_fds[v->nr_progs++] = fd;
		*(__u64 *)member_ptr(v, m) = fd;
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
 * it would silently run a different scheduler.  The hooks' links, which
 * bpftool pins beside the programs, are not programs and are skipped.
 */
static int check_prog_used(const char *name, int fd, const char *kind,
			   void *arg)
{
	size_t plen = strlen(REFLEX_OPS_PROG_PREFIX);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (!kind || strcmp(kind, "prog") ||
	    bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    info.type != BPF_PROG_TYPE_STRUCT_OPS ||
	    (!strncmp(name, REFLEX_OPS_PROG_PREFIX, plen) &&
	     member(arg, name + plen)))
		return 0;
	reflex_fail("the object was built for another kernel: rebuild against this one (make clean all) and pin again",
		    "pinned program %s/%s matches no member of this kernel's struct sched_ext_ops",
		    REFLEX_PIN_PROGS, name);
	return -1;
}

/* Why the kernel refused or dropped the scheduler, from maps/exit_info. */
static void explain_failed_enable(void)
{
	struct reflex_exit_info ei = {};
	__u32 key = 0;
	int fd;

	fd = reflex_map_open(REFLEX_M_EXIT_INFO, 0, NULL);
	if (fd >= 0 && !bpf_map_lookup_elem(fd, &key, &ei) && ei.kind) {
		ei.reason[sizeof(ei.reason) - 1] = '\0';
		ei.msg[sizeof(ei.msg) - 1] = '\0';
		reflex_fail("see 'dmesg | grep sched_ext'; fix the cause and 'make pin' again",
			    "the kernel disabled scx_reflex while enabling it: %s%s%s",
			    ei.reason, ei.msg[0] ? ": " : "", ei.msg);
	} else {
		reflex_fail("see 'dmesg | grep sched_ext'",
			    "the kernel disabled scx_reflex while enabling it");
	}
	if (fd >= 0)
		close(fd);
}

static void link_create_error(int err)
{
	char ops[128] = "";

	if (err == EBUSY || err == EEXIST) {
		reflex_scx_read("root/ops", ops, sizeof(ops));
		reflex_fail("stop it first (e.g. 'systemctl stop scx_loader scx'), then 'make pin' again",
			    "another sched_ext scheduler is attached%s%s",
			    *ops ? ": " : "", ops);
	} else if (err == EINVAL || err == ENOENT) {
		explain_failed_enable();
	} else {
		reflex_fail("see 'dmesg | grep sched_ext'",
			    "cannot attach the struct_ops map: %s", strerror(err));
	}
}

/* Fill the kernel's struct_ops value of the pinned map @map_fd. */
static int load_ops_value(int map_fd, const struct bpf_map_info *info,
			  struct ops_value *v)
{
	const struct btf_member *data;
	const struct btf_type *vt;
	char *value;
	__u32 key = 0;
	int ret = -1;

	v->btf = btf__load_vmlinux_btf();
	if (!v->btf) {
		reflex_fail("the kernel needs CONFIG_DEBUG_INFO_BTF=y",
			    "cannot load the kernel's BTF (/sys/kernel/btf/vmlinux): %s",
			    strerror(errno));
		return -1;
	}
	vt = btf__type_by_id(v->btf, info->btf_vmlinux_value_type_id);
	if (!vt || !btf_is_struct(vt) || vt->size != info->value_size ||
	    strcmp(btf__name_by_offset(v->btf, vt->name_off), OPS_VALUE_TYPE)) {
		reflex_fail("remove the pins with 'make unpin' and pin again with 'make pin'",
			    "%s/%s is not a sched_ext_ops struct_ops map",
			    REFLEX_PIN_MAPS, REFLEX_OPS_MAP);
		return -1;
	}
	value = calloc(1, info->value_size);
	if (!value) {
		reflex_fail(NULL, "out of memory");
		return -1;
	}
	for (data = btf_members(vt); data < btf_members(vt) + btf_vlen(vt); data++)
		if (!strcmp(btf__name_by_offset(v->btf, data->name_off), "data"))
			break;
	v->ops = data < btf_members(vt) + btf_vlen(vt) ?
		 resolve(v->btf, data->type) : NULL;
	if (!v->ops || !btf_is_struct(v->ops)) {
		reflex_fail(NULL, "unexpected layout of struct %s in the kernel's BTF",
			    OPS_VALUE_TYPE);
		goto out;
	}
	v->data = value + btf_member_bit_offset(vt, data - btf_members(vt)) / 8;
	if (set_prog_slots(v) ||
	    reflex_for_each_pin(REFLEX_PIN_PROGS, check_prog_used, v) ||
	    set_data_members(v))
		goto out;
	/*
	 * The map takes a value once.  One that was attached before keeps the
	 * old value (EBUSY), hotplug_seq included, which the kernel would
	 * refuse after any CPU came or went: pin afresh instead.
	 */
	if (bpf_map_update_elem(map_fd, &key, value, 0)) {
		if (errno == EBUSY)
			reflex_fail("pin it afresh: make unpin && make pin",
				    "%s/%s was attached before and keeps its old value",
				    REFLEX_PIN_MAPS, REFLEX_OPS_MAP);
		else
			reflex_fail("the kernel log may say more: 'dmesg | tail'",
				    "cannot load the struct_ops value into %s/%s: %s",
				    REFLEX_PIN_MAPS, REFLEX_OPS_MAP, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(value);
	return ret;
}

static int cmd_attach(void)
{
	struct ops_value v = {};
	struct bpf_map_info info;
	int map_fd, link_fd = -1, ret = 1, i;
	char state[32];
	struct stat st;

	if (!lstat(REFLEX_PIN_LINK, &st)) {
		reflex_fail("detach first: 'make unpin', then 'make pin'",
			    "already attached: %s exists", REFLEX_PIN_LINK);
		return 1;
	}
	map_fd = reflex_map_open(REFLEX_M_OPS, 0, &info);
	if (map_fd < 0)
		return 1;
	if (load_ops_value(map_fd, &info, &v))
		goto out;

	link_fd = bpf_link_create(map_fd, 0, ATTACH_STRUCT_OPS, NULL);
	if (link_fd < 0) {
		link_create_error(errno);
		goto out;
	}
	if (bpf_obj_pin(link_fd, REFLEX_PIN_LINK)) {
		reflex_fail("is bpffs mounted read-write at /sys/fs/bpf?",
			    "cannot pin the link at %s: %s", REFLEX_PIN_LINK,
			    strerror(errno));
		goto out;	/* closing the only link fd detaches */
	}
	if (reflex_scx_wait_state("enabled", STATE_TIMEOUT_MS, state,
				  sizeof(state)) || strcmp(state, "enabled")) {
		explain_failed_enable();
		bpf_link_detach(link_fd);
		unlink(REFLEX_PIN_LINK);
		goto out;
	}
	note("attached %s; the link is pinned at %s", REFLEX_OPS_NAME,
	     REFLEX_PIN_LINK);
	ret = 0;
out:
	for (i = 0; i < v.nr_progs; i++)
		close(v.prog_fds[i]);
	if (link_fd >= 0)
		close(link_fd);
	btf__free(v.btf);
	close(map_fd);
	return ret;
}

static int cmd_detach(void)
{
	const char *kind = NULL;
	struct stat st;
	int fd;

	if (lstat(REFLEX_PIN_LINK, &st)) {
		note("not attached (no %s)", REFLEX_PIN_LINK);
		return 0;
	}
	/*
	 * Whatever is pinned there goes; only a link is detached first (even
	 * if someone else holds it), and only then is there a scheduler to
	 * wait for.
	 */
	fd = S_ISREG(st.st_mode) ? bpf_obj_get(REFLEX_PIN_LINK) : -1;
	if (fd >= 0) {
		kind = reflex_fd_kind(fd);
		if (kind && !strcmp(kind, "link") && bpf_link_detach(fd) &&
		    errno != EOPNOTSUPP)
			note("cannot detach the link at %s (%s); removing the pin drops it",
			     REFLEX_PIN_LINK, strerror(errno));
		close(fd);
	}
	if (S_ISDIR(st.st_mode) ? rmdir(REFLEX_PIN_LINK) : unlink(REFLEX_PIN_LINK)) {
		reflex_fail(NULL, "cannot remove %s: %s", REFLEX_PIN_LINK,
			    strerror(errno));
		return 1;
	}
	if (!kind || strcmp(kind, "link")) {
		note("removed %s, which was not a link (%s)", REFLEX_PIN_LINK,
		     kind ? kind : "not a BPF object");
		return 0;
	}
	if (reflex_scx_wait(reflex_scx_released, STATE_TIMEOUT_MS)) {
		reflex_fail("see 'dmesg | grep sched_ext'",
			    "detached, but sched_ext still runs scx_reflex after %d s",
			    STATE_TIMEOUT_MS / 1000);
		return 1;
	}
	note("detached %s", REFLEX_OPS_NAME);
	return 0;
}

static void usage(void)
{
	printf(
"Usage: %s [OPTIONS] attach|detach\n"
"\n"
"  attach   fill the pinned struct_ops map of scx_reflex from the pins under\n"
"           %s, create the link, pin it, wait until enabled\n"
"  detach   remove the link pin and wait until the kernel lets go\n"
"\n"
"  -j, --json     errors as JSON on stdout\n"
"  -h, --help     this text\n"
"  -V, --version  print the version\n"
"\n"
"Run by 'make pin' and 'make unpin'; see Documentation/workflow.rst.\n",
		prog_name, REFLEX_PIN_ROOT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	const char *cmd;
	int c;

	reflex_report_init(prog_name, false, false);
	while ((c = getopt_long(argc, argv, ":jhV", opts, NULL)) != -1) {
		switch (c) {
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
	reflex_report_init(prog_name, json, false);
	if (optind == argc) {
		reflex_fail("see --help", "no command given");
		return 2;
	}
	if (optind != argc - 1) {
		reflex_fail("see --help", "one command expected, got %d",
			    argc - optind);
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "attach") && strcmp(cmd, "detach")) {
		reflex_fail("see --help", "unknown command '%s'", cmd);
		return 2;
	}
	if (!reflex_scx_present())
		return 1;
	if (geteuid()) {
		reflex_fail("run it as root (sudo)",
			    "%s needs root: the pins under %s are root-only",
			    cmd, REFLEX_PIN_ROOT);
		return 1;
	}
	umask(077);	/* pins are root-only */
	return !strcmp(cmd, "attach") ? cmd_attach() : cmd_detach();
}
