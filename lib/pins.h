/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pins.h - open scx_reflex's pins under REFLEX_PIN_ROOT and make sure each
 * is what scx_reflex pinned there: the one place the programs do that.
 *
 * Every open checks the path (a pin on bpffs, not a directory or a
 * symbolic link), the kind of BPF object behind it (map, program, link)
 * and, for a map, its type, key and value size, number of entries and the
 * BTF name of its value type.  A failure is reported with reflex_fail():
 * the path, what was expected, what was found, and what to do.
 */
#ifndef __REFLEX_PINS_H
#define __REFLEX_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>

/* The maps the programs open (maps/<name>). */
enum reflex_map_id {
	REFLEX_M_STATS,
	REFLEX_M_TUNABLES,
	REFLEX_M_EXIT_INFO,
	REFLEX_M_EVENT_COUNTS,
	REFLEX_M_TASK_CLASSES,
	REFLEX_M_GAME,
	REFLEX_M_GAME_GUESS,
	REFLEX_M_LATENCY,
	REFLEX_M_OPS,
	REFLEX_NR_MAPS
};

/* Report nothing when the pin does not exist; return -ENOENT. */
#define REFLEX_PIN_OPTIONAL	0x1

/*
 * Open maps/<name> of @id.  Returns the fd, or a negative errno after
 * reporting what is wrong (not with REFLEX_PIN_OPTIONAL for a missing
 * pin).  @info, if not NULL, receives the map's info.
 */
int reflex_map_open(enum reflex_map_id id, unsigned int flags,
		    struct bpf_map_info *info);

/* Open ring buffer maps/events_<ring>; as reflex_map_open(). */
int reflex_ring_open(unsigned int ring);

/* Open the struct_ops link pin; as reflex_map_open(). */
int reflex_link_open(unsigned int flags);

/*
 * Open the pinned program or link at @path, which must be of @kind
 * ("prog" or "link"); as reflex_map_open().
 */
int reflex_pin_open(const char *path, const char *kind, unsigned int flags);

/* The kind of BPF object behind @fd: "map", "prog", "link" or NULL. */
const char *reflex_fd_kind(int fd);

/*
 * Call @fn for each pin in directory @dir (REFLEX_PIN_PROGS, say), in the
 * order of their names, with an fd open on it and its kind ("map", "prog",
 * "link", or NULL for anything else); the fd is closed afterwards.  Unlike
 * the opens above it checks nothing beyond the kind: it is for listing
 * what bpftool pinned there (which hooks, which programs), and @fn must
 * check whatever it relies on.  Stops
 * at the first non-zero return and returns it; -errno if @dir cannot be
 * read.
 */
int reflex_for_each_pin(const char *dir,
			int (*fn)(const char *name, int fd, const char *kind,
				  void *arg),
			void *arg);

/* Does anything exist at REFLEX_PIN_ROOT? */
bool reflex_pinned(void);

/*
 * Which set of pins this is: the maps directory's inode, which a new `make
 * pin` replaces.  0 when nothing is pinned (or it cannot be seen).  A
 * consumer compares it now and then to notice `make unpin` and re-pins.
 */
__u64 reflex_pins_id(void);

/*
 * Become the one consumer of the input event rings: a ring buffer has a
 * single consumer position, so two readers would split the records
 * between them.  Returns an fd that holds the lock until it is closed (it
 * goes with the pins it locked), or -1 after reporting who holds it.
 */
int reflex_rings_lock(void);

#endif /* __REFLEX_PINS_H */
