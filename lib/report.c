// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - failure reports for the scx_reflex programs; see report.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "json.h"
#include "report.h"

static struct {
	const char *prog;
	bool json, pretty;
} cfg = { .prog = "scx_reflex" };

void reflex_report_init(const char *prog, bool json, bool pretty)
{
	cfg.prog = prog;
	cfg.json = json;
	cfg.pretty = pretty;
}

void reflex_fail(const char *hint, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (cfg.json) {
		struct json j;

		json_init(&j, stdout, cfg.pretty);
		json_obj_begin(&j, NULL);
		json_str(&j, "error", buf);
		if (hint)
			json_str(&j, "hint", hint);
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	fprintf(stderr, "%s: %s\n", cfg.prog, buf);
	if (hint)
		fprintf(stderr, "%s: %s\n", cfg.prog, hint);
}

__u64 reflex_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
