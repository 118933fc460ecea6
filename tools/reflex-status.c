// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-status - is scx_reflex running, what is pinned, and why did it
 * last stop?
 *
 * sched_ext's own view (/sys/kernel/sched_ext: state, the running ops),
 * the pins under REFLEX_PIN_ROOT (the struct_ops link, the hooks'
 * links) and maps/exit_info, which ops.exit fills from the kernel's exit
 * info: the exit kind and code by their names in the kernel's BTF
 * (SCX_EXIT_*, SCX_ECODE_*), the reason and the message.
 *
 * Exit status, as with LSB init scripts: 0 when scx_reflex is the running
 * scheduler, 3 when it is not, 1 when the status cannot be read.
 *
 * With --wait it first blocks until scx_reflex stops running (the service
 * in scx_reflex(8) waits so for an ejection).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <reflex/abi.h>
#include "args.h"
#include "json.h"
#include "pins.h"
#include "report.h"
#include "scx.h"

static const char *prog_name = "reflex-status";

enum pins_seen { PINS_NONE, PINS_UNREADABLE, PINS_YES };

struct status {
	char state[32];
	char ops[128];
	bool running;		/* reflex is the live sched_ext scheduler */
	enum pins_seen pins;
	bool link;		/* the struct_ops link is pinned */
	__u32 link_id;
	char hooks[256];	/* names of the pinned hook links */
	int nr_hooks;
	bool have_exit;
	struct reflex_exit_info exit;
	char exit_kind[64];	/* enum scx_exit_kind name, "" if unknown */
	char exit_code[160];	/* enum scx_exit_code names */
};

/* A hook bpftool attached: a link pinned beside the programs. */
static int add_hook(const char *name, int fd, const char *kind, void *arg)
{
	struct status *s = arg;
	size_t len = strlen(s->hooks);

	(void)fd;
	if (!kind || strcmp(kind, "link"))
		return 0;
	snprintf(s->hooks + len, sizeof(s->hooks) - len, "%s%s",
		 len ? " " : "", name);
	s->nr_hooks++;
	return 0;
}

static void read_link(struct status *s)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);
	int fd;

	fd = reflex_link_open(REFLEX_PIN_OPTIONAL);
	if (fd < 0)
		return;
	s->link = true;
	if (!bpf_obj_get_info_by_fd(fd, &li, &len))
		s->link_id = li.id;
	close(fd);
}

static void read_exit(struct status *s, const struct btf *btf)
{
	__u32 key = 0;
	int fd;

	fd = reflex_map_open(REFLEX_M_EXIT_INFO, REFLEX_PIN_OPTIONAL, NULL);
	if (fd < 0)
		return;
	if (!bpf_map_lookup_elem(fd, &key, &s->exit) && s->exit.kind) {
		s->have_exit = true;
		/* Written by BPF: make sure the strings end. */
		s->exit.reason[sizeof(s->exit.reason) - 1] = '\0';
		s->exit.msg[sizeof(s->exit.msg) - 1] = '\0';
		snprintf(s->exit_kind, sizeof(s->exit_kind), "%s",
			 reflex_btf_enum_name(btf, "scx_exit_kind", s->exit.kind) ?: "");
		reflex_exit_code_str(btf, s->exit.exit_code, s->exit_code,
				     sizeof(s->exit_code));
	}
	close(fd);
}

/* 0, or -1 when sched_ext's state cannot be read. */
static int get_status(struct status *s, const struct btf *btf)
{
	struct stat st;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (reflex_scx_read("state", s->state, sizeof(s->state))) {
		strcpy(s->state, "unknown");
		ret = -1;
	}
	reflex_scx_read("root/ops", s->ops, sizeof(s->ops));
	s->running = !strcmp(s->state, "enabled") &&
		     !strcmp(s->ops, REFLEX_OPS_NAME);
	if (!lstat(REFLEX_PIN_ROOT, &st))
		s->pins = PINS_YES;
	else
		s->pins = errno == ENOENT ? PINS_NONE : PINS_UNREADABLE;
	if (s->pins == PINS_YES && access(REFLEX_PIN_ROOT, R_OK | X_OK))
		s->pins = PINS_UNREADABLE;
	if (s->pins != PINS_YES)
		return ret;
	read_link(s);
	reflex_for_each_pin(REFLEX_PIN_PROGS, add_hook, s);
	read_exit(s, btf);
	return ret;
}

static bool reflex_running(void)
{
	char state[32], ops[128];

	return !reflex_scx_read("state", state, sizeof(state)) &&
	       !strcmp(state, "enabled") &&
	       !reflex_scx_read("root/ops", ops, sizeof(ops)) &&
	       !strcmp(ops, REFLEX_OPS_NAME);
}

/*
 * Block until scx_reflex is no longer the running scheduler.  The link's
 * EPOLLHUP says at once that it was detached (kernels that poll struct_ops
 * links, 6.10 on); an ejection by the kernel leaves the link attached and
 * raises nothing to poll, so the state is read again every
 * WAIT_RECHECK_MS as well.
 */
#define WAIT_RECHECK_MS	1000

static int wait_stopped(void)
{
	struct epoll_event ev = { .events = EPOLLHUP };
	int ep, fd, n, ret = 0;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		reflex_fail(NULL, "cannot create an epoll instance: %s",
			    strerror(errno));
		return -1;
	}
	fd = reflex_link_open(REFLEX_PIN_OPTIONAL);
	/* EPERM: this kernel cannot poll a link; the re-reads suffice */
	if (fd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
		close(fd);
		fd = -1;
	}
	while (reflex_running()) {
		n = epoll_wait(ep, &ev, 1, WAIT_RECHECK_MS);
		if (n < 0 && errno != EINTR) {
			reflex_fail(NULL, "epoll_wait on the link: %s",
				    strerror(errno));
			ret = -1;
			break;
		}
		if (n > 0 && (ev.events & (EPOLLHUP | EPOLLERR)))
			break;
	}
	if (fd >= 0)
		close(fd);
	close(ep);
	return ret;
}

static void print_json(const struct status *s, bool pretty)
{
	char buf[sizeof(s->hooks)], *tok, *save;
	struct json j;

	json_init(&j, stdout, pretty);
	json_obj_begin(&j, NULL);
	json_str(&j, "state", s->state);
	json_str(&j, "ops", s->ops);
	json_bool(&j, "running", s->running);
	json_str(&j, "pin_root", REFLEX_PIN_ROOT);
	if (s->pins == PINS_UNREADABLE)
		json_null(&j, "pinned");
	else
		json_bool(&j, "pinned", s->pins == PINS_YES);
	if (s->pins == PINS_YES) {
		json_bool(&j, "link_pinned", s->link);
		if (s->link_id)
			json_u64(&j, "link_id", s->link_id);
		json_arr_begin(&j, "hooks");
		snprintf(buf, sizeof(buf), "%s", s->hooks);
		for (tok = strtok_r(buf, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			json_str(&j, NULL, tok);
		json_arr_end(&j);
	}
	if (s->have_exit) {
		json_obj_begin(&j, "exit");
		json_str(&j, "kind", s->exit_kind);
		json_u64(&j, "kind_value", s->exit.kind);
		json_s64(&j, "exit_code", s->exit.exit_code);
		json_str(&j, "exit_code_names", s->exit_code);
		json_s64(&j, "exit_cpu", s->exit.exit_cpu);
		json_str(&j, "reason", s->exit.reason);
		json_str(&j, "msg", s->exit.msg);
		json_obj_end(&j);
	} else {
		json_null(&j, "exit");
	}
	json_obj_end(&j);
	json_finish(&j);
}

static void print_text(const struct status *s)
{
	printf("state:    %s\n", s->state);
	printf("ops:      %s\n", *s->ops ? s->ops : "-");
	if (s->pins == PINS_NONE)
		printf("pins:     none (%s does not exist)\n", REFLEX_PIN_ROOT);
	else if (s->pins == PINS_UNREADABLE)
		printf("pins:     unknown: %s is root-only (run as root)\n",
		       REFLEX_PIN_ROOT);
	else if (!s->link)
		printf("pins:     %s (not attached: no link pinned)\n",
		       REFLEX_PIN_ROOT);
	else
		printf("pins:     %s (link id %u%s)\n", REFLEX_PIN_ROOT,
		       s->link_id, s->running ? "" :
		       "; stale: the kernel is not running scx_reflex");
	if (s->pins != PINS_YES)
		return;
	printf("hooks:    %s\n", s->nr_hooks ? s->hooks : "none");
	if (!s->have_exit) {
		printf("exit:     none\n");
		return;
	}
	printf("exit:     %s (%u), code %s, cpu %d\n",
	       *s->exit_kind ? s->exit_kind : "unknown kind", s->exit.kind,
	       s->exit_code, s->exit.exit_cpu);
	printf("reason:   %s\n", s->exit.reason);
	if (s->exit.msg[0])
		printf("message:  %s\n", s->exit.msg);
	if (s->link && !s->running)
		printf("hint:     'scx_reflex restart' (installed) or 'make unpin && make pin' (build tree) starts it again\n");
}

static void usage(void)
{
	printf(
"Usage: %s [OPTIONS]\n"
"\n"
"Show whether scx_reflex is the running sched_ext scheduler, what is pinned\n"
"under %s, and why the scheduler last stopped.\n"
"Exit status: 0 running, 3 not running, 1 cannot tell.\n"
"\n"
"  -w, --wait     first wait until scx_reflex stops running (it is\n"
"                 ejected or unpinned), then show why\n"
"  -j, --json     JSON output (errors too)\n"
"  -p, --pretty   indented JSON (implies -j)\n"
"  -h, --help     this text\n"
"  -V, --version  print the version\n",
		prog_name, REFLEX_PIN_ROOT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "wait", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	bool json = false, pretty = false, wait = false;
	struct status s;
	struct btf *btf;
	int c, err;

	reflex_report_init(prog_name, false, false);
	while ((c = getopt_long(argc, argv, ":jpwhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pretty = true;
			/* fallthrough */
		case 'j':
			json = true;
			break;
		case 'w':
			wait = true;
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
	reflex_report_init(prog_name, json, pretty);
	if (optind != argc) {
		reflex_fail("see --help", "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (!reflex_scx_present())
		return 1;
	if (wait && wait_stopped())
		return 1;
	btf = btf__load_vmlinux_btf();	/* only to name the exit kind and code */
	err = get_status(&s, btf);
	btf__free(btf);
	if (json)
		print_json(&s, pretty);
	else
		print_text(&s);
	if (err)
		return 1;
	return s.running ? 0 : 3;
}
