/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scx.h - what the kernel says about sched_ext: its sysfs files and the
 * names in its BTF (enum scx_exit_kind, enum scx_exit_code, enum
 * scx_ops_flags).  The one place the programs read them.
 */
#ifndef __REFLEX_SCX_H
#define __REFLEX_SCX_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;

#define REFLEX_SCX_SYSFS	"/sys/kernel/sched_ext"

/* Does this kernel have sched_ext?  If not, say so (reflex_fail) and what to do. */
bool reflex_scx_present(void);

/*
 * Read the first line of sched_ext's sysfs file @name ("state",
 * "root/ops", "hotplug_seq", ...) into @buf.  0 or a negative errno.
 */
int reflex_scx_read(const char *name, char *buf, size_t len);

/*
 * Poll sched_ext's state until it reads @want or "disabled", for at most
 * @timeout_ms; the last state read is left in @state.  0 when it did,
 * -ETIMEDOUT or another negative errno when not.
 */
int reflex_scx_wait_state(const char *want, unsigned int timeout_ms,
			  char *state, size_t len);

/*
 * Has the kernel let go of scx_reflex?  true once sched_ext reads
 * "disabled", or runs another scheduler (one may attach as soon as ours
 * is gone).
 */
bool reflex_scx_released(void);

/* Poll @done every 20 ms for at most @timeout_ms: 0 when it held, -ETIMEDOUT. */
int reflex_scx_wait(bool (*done)(void), unsigned int timeout_ms);

/*
 * The value of enumerator @name of kernel enum @enum_name, from @btf.
 * 0 or -ENOENT.
 */
int reflex_btf_enum_value(const struct btf *btf, const char *enum_name,
			  const char *name, __u64 *val);

/* The name of value @val of kernel enum @enum_name, or NULL. */
const char *reflex_btf_enum_name(const struct btf *btf, const char *enum_name,
				 __u64 val);

/*
 * An exit code as sched_ext defines it (enum scx_exit_code): the
 * SCX_ECODE_ACT_* and SCX_ECODE_RSN_* bits of its upper 32 bits by name,
 * joined with " | " ("SCX_ECODE_ACT_RESTART | SCX_ECODE_RSN_HOTPLUG"),
 * bits @btf does not name in hex, and the scheduler's own code from the
 * lower 32 bits ("user code 3"); "0" for 0, and a negative code as the
 * number it is.
 */
void reflex_exit_code_str(const struct btf *btf, __s64 code, char *buf,
			  size_t len);

#endif /* __REFLEX_SCX_H */
