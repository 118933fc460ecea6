// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - a minimal JSON writer; see json.h.
 */
#include <inttypes.h>
#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->first = true;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

/* Separator, newline and indentation before a member, then its key. */
static void member(struct json *j, const char *key)
{
	if (!j->first)
		fputc(',', j->f);
	if (j->pretty && j->depth)
		fprintf(j->f, "\n%*s", 4 * j->depth, "");
	j->first = false;
	if (key) {
		put_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_scope(struct json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	j->depth++;
	j->first = true;
}

static void close_scope(struct json *j, char c)
{
	bool empty = j->first;

	j->depth--;
	if (j->pretty && !empty)
		fprintf(j->f, "\n%*s", 4 * j->depth, "");
	fputc(c, j->f);
	j->first = false;
}

void json_obj_begin(struct json *j, const char *key)
{
	open_scope(j, key, '{');
}

void json_obj_end(struct json *j)
{
	close_scope(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	open_scope(j, key, '[');
}

void json_arr_end(struct json *j)
{
	close_scope(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	member(j, key);
	put_string(j->f, val);
}

void json_u64(struct json *j, const char *key, __u64 val)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, (uint64_t)val);
}

void json_s64(struct json *j, const char *key, __s64 val)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, (int64_t)val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
