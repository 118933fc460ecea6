/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pins.h - open scx_reflex's pinned maps from the utilities, and say in
 * plain words why that failed (not pinned, not root, another version).
 */
#ifndef __REFLEX_PINS_H
#define __REFLEX_PINS_H

#include <stddef.h>
#include <linux/bpf.h>

/*
 * Open the pinned map @path and check that it is of @type.  Returns the fd;
 * on failure -1, with what failed and why in @why and what to do in @hint.
 */
int reflex_open_map(const char *path, enum bpf_map_type type,
		    struct bpf_map_info *info, char *why, size_t why_len,
		    const char **hint);

#endif /* __REFLEX_PINS_H */
