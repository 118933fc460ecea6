// SPDX-License-Identifier: GPL-2.0
/*
 * pins.c - open scx_reflex's pinned maps; see pins.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include <reflex/abi.h>
#include "pins.h"

int reflex_open_map(const char *path, enum bpf_map_type type,
		    struct bpf_map_info *info, char *why, size_t why_len,
		    const char **hint)
{
	__u32 len = sizeof(*info);
	struct stat st;
	int fd, err;

	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = errno;
		if (err == EACCES || err == EPERM) {
			snprintf(why, why_len, "permission denied opening %s: the pins are root-only",
				 path);
			*hint = "run it as root (sudo)";
		} else if (err == ENOENT && stat(REFLEX_PIN_ROOT, &st)) {
			snprintf(why, why_len, "scx_reflex is not pinned (%s does not exist)",
				 REFLEX_PIN_ROOT);
			*hint = "pin it first: sudo make pin";
		} else if (err == ENOENT) {
			snprintf(why, why_len, "%s is missing: the pins are from another version of scx_reflex",
				 path);
			*hint = "pin this version: sudo make unpin && sudo make pin";
		} else {
			snprintf(why, why_len, "cannot open %s: %s", path,
				 strerror(err));
			*hint = "is bpffs mounted at /sys/fs/bpf?";
		}
		return -1;
	}
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len) || info->type != type) {
		snprintf(why, why_len, "%s is not the map scx_reflex pins there",
			 path);
		*hint = "re-pin: sudo make unpin && sudo make pin";
		close(fd);
		return -1;
	}
	return fd;
}
