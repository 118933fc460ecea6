// SPDX-License-Identifier: GPL-2.0
/*
 * test_lib - unit tests of what lib/ turns into text for people and
 * programs: exit codes as sched_ext defines them (lib/scx.c) and JSON
 * strings made of whatever bytes the kernel holds (lib/json.c).
 *
 * Expected strings are written out by hand.  The names of exit code bits
 * need BTF with enum scx_exit_code: the running kernel's if it has
 * sched_ext, else the build tree's vmlinux (make vmlinux); without either
 * those cases are skipped.  Output is TAP 13; exit 0 or 1.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <linux/types.h>

#include "json.h"
#include "scx.h"

static int n, failed, skipped;

#define CHECK_STR(got, want, fmt, ...)					\
do {									\
	const char *__g = (got), *__w = (want);				\
	n++;								\
	if (!strcmp(__g, __w)) {					\
		printf("ok %d " fmt "\n", n, ##__VA_ARGS__);		\
	} else {							\
		failed++;						\
		printf("not ok %d " fmt "\n", n, ##__VA_ARGS__);	\
		printf("# got '%s', want '%s'\n", __g, __w);		\
	}								\
} while (0)

#define SKIP(fmt, reason)						\
do {									\
	n++;								\
	skipped++;							\
	printf("ok %d " fmt " # SKIP %s\n", n, reason);			\
} while (0)

#define NR_TESTS 12

/* The kernel's bits, from enum scx_exit_code (kernel/sched/ext.h). */
#define ACT_RESTART	(1ULL << 48)
#define RSN_HOTPLUG	(1ULL << 32)

static const char *code_str(const struct btf *btf, __s64 code)
{
	static char buf[256];

	reflex_exit_code_str(btf, code, buf, sizeof(buf));
	return buf;
}

static bool has_exit_codes(const struct btf *btf)
{
	return btf && btf__find_by_name(btf, "scx_exit_code") >= 0;
}

/* BTF that names the exit code bits, and where it came from; or NULL. */
static struct btf *exit_code_btf(const char **from)
{
	static const char *const vmlinux[] = { "../vmlinux", "vmlinux" };
	struct btf *btf = btf__load_vmlinux_btf();
	unsigned int i;

	*from = "/sys/kernel/btf/vmlinux";
	for (i = 0; !has_exit_codes(btf); i++) {
		btf__free(btf);
		if (i == sizeof(vmlinux) / sizeof(vmlinux[0]))
			return NULL;
		*from = vmlinux[i];
		btf = btf__parse(vmlinux[i], NULL);
	}
	return btf;
}

static void test_exit_codes(void)
{
	const char *from;
	struct btf *btf;

	CHECK_STR(code_str(NULL, 0), "0", "exit code: 0");
	CHECK_STR(code_str(NULL, 3), "3", "exit code: the scheduler's own code alone");
	CHECK_STR(code_str(NULL, -1), "-1", "exit code: a negative code is a number");
	CHECK_STR(code_str(NULL, ACT_RESTART | RSN_HOTPLUG), "0x1000100000000",
		  "exit code: without BTF the kernel's bits in hex");
	CHECK_STR(code_str(NULL, RSN_HOTPLUG | 3), "0x100000000 | user code 3",
		  "exit code: without BTF, kernel bits and the scheduler's code");

	btf = exit_code_btf(&from);
	if (!btf) {
		SKIP("exit code: the kernel's bits by name", "no BTF with enum scx_exit_code");
		SKIP("exit code: names and the scheduler's code", "no BTF with enum scx_exit_code");
		return;
	}
	printf("# enum scx_exit_code from %s\n", from);
	CHECK_STR(code_str(btf, ACT_RESTART | RSN_HOTPLUG),
		  "SCX_ECODE_ACT_RESTART | SCX_ECODE_RSN_HOTPLUG",
		  "exit code: the kernel's bits by name (the hotplug exit)");
	CHECK_STR(code_str(btf, ACT_RESTART | 7),
		  "SCX_ECODE_ACT_RESTART | user code 7",
		  "exit code: names and the scheduler's code");
	btf__free(btf);
}

static const char *json_of(const char *val)
{
	static char buf[256];
	struct json j;
	FILE *f;

	f = fmemopen(buf, sizeof(buf), "w");
	if (!f)
		return "(fmemopen failed)";
	json_init(&j, f, false);
	json_obj_begin(&j, NULL);
	json_str(&j, "s", val);
	json_obj_end(&j);
	fclose(f);
	return buf;
}

static void test_json(void)
{
	CHECK_STR(json_of("game"), "{\"s\":\"game\"}", "json: a plain string");
	CHECK_STR(json_of("a\"b\\c"), "{\"s\":\"a\\\"b\\\\c\"}",
		  "json: quote and backslash are escaped");
	CHECK_STR(json_of("a\nb\tc\x01"), "{\"s\":\"a\\nb\\tc\\u0001\"}",
		  "json: control characters are escaped");
	CHECK_STR(json_of("caf\xc3\xa9 \xe2\x82\xac"), "{\"s\":\"caf\xc3\xa9 \xe2\x82\xac\"}",
		  "json: well-formed UTF-8 passes through");
	CHECK_STR(json_of("\xff\xfe-game\xc3"), "{\"s\":\"\\ufffd\\ufffd-game\\ufffd\"}",
		  "json: bytes that are not UTF-8 become U+FFFD");
}

int main(void)
{
	printf("TAP version 13\n1..%d\n", NR_TESTS);
	test_exit_codes();
	test_json();
	if (n != NR_TESTS)
		printf("# planned %d tests but ran %d\n", NR_TESTS, n);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       n - failed - skipped, failed, skipped);
	return failed || n != NR_TESTS;
}
