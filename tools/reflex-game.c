// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-game - show or set the foreground game of the pinned scx_reflex.
 *
 * The threads of the foreground game's process get the game class's lead
 * in the shared queue.  Without a setting the scheduler guesses the game
 * (maps/game_guess: a process that reads input and submits GPU work, and
 * commits no KMS updates); a setting (maps/game, struct reflex_game)
 * overrides the guess.  People set it, with this tool; the scheduler only
 * clears it, when the game's process exits.
 *
 * A game is a user process: PID 1 and kernel threads are refused.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>

#include <reflex/abi.h>
#include <reflex/policy.h>
#include "args.h"
#include "json.h"
#include "pins.h"
#include "report.h"

#define PID_MAX		4194304		/* PID_MAX_LIMIT on 64-bit */

static const char *prog_name = "reflex-game";

/* What /proc says about a process: its name, tgid, flags and start time. */
struct proc {
	char comm[64];
	__u32 tgid;
	unsigned long flags;
	unsigned long long start;	/* clock ticks after boot */
};

/*
 * Read /proc/@pid/stat: "pid (comm) state ppid ... flags(9) ... starttime(22)".
 * comm may hold spaces and parentheses: it ends at the last ')'.
 */
static int proc_stat(long pid, struct proc *p)
{
	char path[64], buf[1024], *rp, *f;
	int field;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	rp = strrchr(buf, ')');
	f = strchr(buf, '(');
	if (!rp || !f || rp < f)
		return -EINVAL;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(rp - f - 1), f + 1);
	for (field = 3, f = strtok(rp + 2, " "); f; f = strtok(NULL, " "), field++) {
		if (field == 9)
			p->flags = strtoul(f, NULL, 10);
		else if (field == 22)
			p->start = strtoull(f, NULL, 10);
	}
	return field > 22 ? 0 : -EINVAL;
}

/*
 * The process @pid belongs to (@pid may be a thread's id): its tgid, and
 * its leader's name, flags and start time.
 */
static int proc_of(long pid, struct proc *p)
{
	char path[64], line[256];
	__u32 tgid = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	while (!tgid && fgets(line, sizeof(line), fp))
		sscanf(line, "Tgid: %u", &tgid);
	fclose(fp);
	if (!tgid)
		return -ENOENT;
	p->tgid = tgid;
	return proc_stat(tgid, p);
}

static void comm_of(__u32 tgid, char *comm, size_t len)
{
	struct proc p;

	snprintf(comm, len, "%s", tgid && !proc_stat(tgid, &p) ? p.comm : "-");
}

/*
 * @set as a person set it, @guess the scheduler's guess as it uses it now
 * (0 once it is older than REFLEX_GAME_GUESS_TTL_NS).
 */
static void show(__u32 set, __u32 guess, bool json, bool pretty)
{
	char set_comm[64], guess_comm[64];
	const char *mode;
	__u32 game;

	comm_of(set == REFLEX_GAME_NONE ? 0 : set, set_comm, sizeof(set_comm));
	comm_of(guess, guess_comm, sizeof(guess_comm));
	if (set == REFLEX_GAME_NONE) {
		mode = "none";
		game = 0;
	} else if (set) {
		mode = "set";
		game = set;
	} else {
		mode = "guess";
		game = guess;
	}
	if (json) {
		struct json j;

		json_init(&j, stdout, pretty);
		json_obj_begin(&j, NULL);
		json_str(&j, "mode", mode);
		json_u64(&j, "tgid", game);
		json_str(&j, "comm", game == guess ? guess_comm : set_comm);
		json_u64(&j, "guess", guess);
		json_str(&j, "guess_comm", guess_comm);
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	if (!strcmp(mode, "none"))
		printf("game:  none (set with --none)\n");
	else if (!strcmp(mode, "set"))
		printf("game:  %u (%s), set by hand\n", set, set_comm);
	else if (guess)
		printf("game:  %u (%s), guessed by the scheduler\n", guess,
		       guess_comm);
	else
		printf("game:  none yet; the scheduler is guessing\n");
	if (strcmp(mode, "guess"))
		printf("guess: %u (%s)\n", guess, guess_comm);
}

/*
 * The tgid to set for @arg, a PID: a live user process other than init.
 * Returns 0 or an exit status after reporting.
 */
static int game_of(const char *arg, struct proc *p)
{
	__u64 pid;
	int err;

	if (reflex_arg_u64("PID", arg, 1, PID_MAX, &pid))
		return 2;
	err = proc_of(pid, p);
	if (err) {
		reflex_fail("check the process id (ps -e)", "no process %s: %s",
			    arg, strerror(-err));
		return 1;
	}
	if (p->tgid == 1 || (p->flags & REFLEX_PF_KTHREAD)) {
		reflex_fail("give the PID of the game's process",
			    "PID %s is %s (%s), not a game", arg,
			    p->tgid == 1 ? "init" : "a kernel thread", p->comm);
		return 1;
	}
	return 0;
}

static void usage(void)
{
	printf(
"Usage: %s [OPTIONS] [PID | --auto | --none]\n"
"\n"
"Show the foreground game of the pinned scx_reflex, or set it:\n"
"  PID            the process of PID (a thread id works too) is the game\n"
"  --auto         let the scheduler guess (the default)\n"
"  --none         no foreground game\n"
"\n"
"  -j, --json     JSON output    -p, --pretty   indented JSON\n"
"  -h, --help     this text      -V, --version  print the version\n"
"\n"
"Needs root: the pins are root-only.  The setting ends when the game exits.\n",
		prog_name);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "auto", no_argument, NULL, 'a' },
		{ "none", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	bool json = false, pretty = false, set = false;
	struct reflex_game_guess guess = {};
	struct reflex_game g = {};
	struct proc p, again;
	int c, fd, guess_fd, ret = 1;
	__u32 key = 0;

	reflex_report_init(prog_name, false, false);
	while ((c = getopt_long(argc, argv, ":anjphV", opts, NULL)) != -1) {
		switch (c) {
		case 'a': set = true; g.tgid = 0; break;
		case 'n': set = true; g.tgid = REFLEX_GAME_NONE; break;
		case 'p': pretty = true; /* fallthrough */
		case 'j': json = true; break;
		case 'h': usage(); return 0;
		case 'V': printf("%s %s\n", prog_name, REFLEX_VERSION); return 0;
		default: return reflex_arg_refused(c, argv, opts);
		}
	}
	reflex_report_init(prog_name, json, pretty);
	if (optind < argc - 1 || (optind == argc - 1 && set)) {
		reflex_fail("see --help", "give one PID, --auto or --none");
		return 2;
	}
	if (optind == argc - 1) {
		ret = game_of(argv[optind], &p);
		if (ret)
			return ret;
		g.tgid = p.tgid;
		set = true;
		ret = 1;
	}

	fd = reflex_map_open(REFLEX_M_GAME, 0, NULL);
	if (fd < 0)
		return 1;
	guess_fd = reflex_map_open(REFLEX_M_GAME_GUESS, 0, NULL);
	if (guess_fd < 0)
		goto out;
	if (set && bpf_map_update_elem(fd, &key, &g, 0)) {
		reflex_fail(NULL, "cannot write %s/%s: %s", REFLEX_PIN_MAPS,
			    REFLEX_MAP_GAME, strerror(errno));
		goto out;
	}
	/*
	 * The scheduler drops a game that exits, but not one that exited
	 * before it was set: look again, and undo it if the process is gone
	 * or its PID already belongs to another.
	 */
	if (set && g.tgid && g.tgid != REFLEX_GAME_NONE &&
	    (proc_stat(g.tgid, &again) || again.start != p.start)) {
		g.tgid = 0;
		bpf_map_update_elem(fd, &key, &g, 0);
		reflex_fail(NULL, "process %s exited while it was being set", argv[optind]);
		goto out;
	}
	if (bpf_map_lookup_elem(fd, &key, &g) ||
	    bpf_map_lookup_elem(guess_fd, &key, &guess)) {
		reflex_fail(NULL, "cannot read %s/%s: %s", REFLEX_PIN_MAPS,
			    REFLEX_MAP_GAME, strerror(errno));
		goto out;
	}
	show(g.tgid, reflex_game_tgid(0, guess.tgid, guess.ns, reflex_now_ns()),
	     json, pretty);
	ret = 0;
out:
	if (guess_fd >= 0)
		close(guess_fd);
	close(fd);
	return ret;
}
