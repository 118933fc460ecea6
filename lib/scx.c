// SPDX-License-Identifier: GPL-2.0
/*
 * scx.c - sched_ext's sysfs files and BTF names; see scx.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <bpf/btf.h>

#include <reflex/abi.h>
#include "report.h"
#include "scx.h"

bool reflex_scx_present(void)
{
	struct stat st;

	if (!stat(REFLEX_SCX_SYSFS, &st))
		return true;
	reflex_fail("see Documentation/workflow.rst; 'make run' runs it in a VM with a sched_ext kernel",
		    "kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT): %s is missing",
		    REFLEX_SCX_SYSFS);
	return false;
}

int reflex_scx_read(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s", REFLEX_SCX_SYSFS, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		err = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!err)
		buf[strcspn(buf, "\n")] = '\0';
	return err;
}

int reflex_scx_wait(bool (*done)(void), unsigned int timeout_ms)
{
	const struct timespec step = { 0, 20 * 1000000L };
	unsigned int waited;

	for (waited = 0; !done(); waited += 20) {
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		nanosleep(&step, NULL);
	}
	return 0;
}

/* What reflex_scx_wait_state() waits for, and what it saw last. */
static struct {
	const char *want;
	char *state;
	size_t len;
	int err;
} wait_for;

static bool state_reached(void)
{
	wait_for.err = reflex_scx_read("state", wait_for.state, wait_for.len);
	return wait_for.err || !strcmp(wait_for.state, wait_for.want) ||
	       !strcmp(wait_for.state, "disabled");
}

int reflex_scx_wait_state(const char *want, unsigned int timeout_ms,
			  char *state, size_t len)
{
	int err;

	wait_for.want = want;
	wait_for.state = state;
	wait_for.len = len;
	err = reflex_scx_wait(state_reached, timeout_ms);
	return wait_for.err ?: err;
}

bool reflex_scx_released(void)
{
	char state[32], ops[128];

	if (reflex_scx_read("state", state, sizeof(state)))
		return false;
	if (!strcmp(state, "disabled"))
		return true;
	return !strcmp(state, "enabled") &&
	       !reflex_scx_read("root/ops", ops, sizeof(ops)) &&
	       strcmp(ops, REFLEX_OPS_NAME);
}

/*
 * Find enumerator @name (or, if @name is NULL, the one whose value is
 * *@val) in kernel enum @enum_name; fill in the other half.  Kernels
 * describe 64-bit enums as ENUM64 and others as ENUM.
 */
static int enum_lookup(const struct btf *btf, const char *enum_name,
		       const char **name, __u64 *val)
{
	const struct btf_type *t;
	int id, i;

	if (!btf)
		return -ENOENT;
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

int reflex_btf_enum_value(const struct btf *btf, const char *enum_name,
			  const char *name, __u64 *val)
{
	return enum_lookup(btf, enum_name, &name, val);
}

const char *reflex_btf_enum_name(const struct btf *btf, const char *enum_name,
				 __u64 val)
{
	const char *name = NULL;

	return enum_lookup(btf, enum_name, &name, &val) ? NULL : name;
}

/* Append @s to @buf (of @len, holding @*used bytes), " | " between parts. */
static void join(char *buf, size_t len, size_t *used, const char *s)
{
	int n = snprintf(buf + *used, len - *used, "%s%s", *used ? " | " : "", s);

	if (n > 0)
		*used = *used + n < len ? *used + n : len - 1;
}

void reflex_exit_code_str(const struct btf *btf, __s64 code, char *buf,
			  size_t len)
{
	static const char *const prefixes[] = { "SCX_ECODE_ACT_", "SCX_ECODE_RSN_" };
	const struct btf_type *t = NULL;
	__u64 rest = (__u64)code & ~0xffffffffULL;
	__u32 user = (__u64)code & 0xffffffffULL;
	size_t used = 0;
	char num[32];
	int id = -1, i, p;

	buf[0] = '\0';
	/* A negative code is the scheduler's own (scx_bpf_exit(-1)): a number. */
	if (code < 0) {
		snprintf(buf, len, "%" PRId64, (int64_t)code);
		return;
	}
	if (btf) {
		id = btf__find_by_name_kind(btf, "scx_exit_code", BTF_KIND_ENUM64);
		if (id < 0)
			id = btf__find_by_name_kind(btf, "scx_exit_code", BTF_KIND_ENUM);
		t = id < 0 ? NULL : btf__type_by_id(btf, id);
	}
	/* The kernel's bits, above bit 31, by name: actions, then reasons. */
	for (p = 0; t && p < 2; p++) {
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
			/* Single bits only; the masks are not codes. */
			if (strncmp(n, prefixes[p], strlen(prefixes[p])) ||
			    !v || (v & (v - 1)) || !(rest & v))
				continue;
			join(buf, len, &used, n);
			rest &= ~v;
		}
	}
	if (rest) {
		snprintf(num, sizeof(num), "0x%" PRIx64, (uint64_t)rest);
		join(buf, len, &used, num);
	}
	/* The low 32 bits are the scheduler's own code. */
	if (user || !used) {
		snprintf(num, sizeof(num), used ? "user code %" PRIu32 : "%" PRIu32, user);
		join(buf, len, &used, num);
	}
}
