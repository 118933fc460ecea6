/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - a minimal JSON writer for the scx_reflex command-line tools.
 *
 * Output follows bpftool's conventions: compact on one line by default,
 * indented with -p.  Strings are escaped; nothing is buffered beyond stdio.
 */
#ifndef __REFLEX_JSON_H
#define __REFLEX_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool first;	/* no member written yet at this depth */
};

void json_init(struct json *j, FILE *f, bool pretty);
/* Open an object; @key is NULL at the top level and in arrays. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, __u64 val);
void json_s64(struct json *j, const char *key, __s64 val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
/* End the document with a newline. */
void json_finish(struct json *j);

#endif /* __REFLEX_JSON_H */
