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
 *
 * Without root, --exec registers the command it runs as the game through
 * reflex-gamed (gamesock.h), which lets only users at the machine register
 * only their own process; --release ends that registration early.
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
#include "gamesock.h"
#include "json.h"
#include "pins.h"
#include "proc.h"
#include "report.h"

#define PID_MAX		4194304		/* PID_MAX_LIMIT on 64-bit */

static const char *prog_name = "reflex-game";

static void comm_of(__u32 tgid, char *comm, size_t len)
{
	struct reflex_proc p;

	snprintf(comm, len, "%s", tgid && !reflex_proc_stat(tgid, &p) ? p.comm : "-");
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
static int game_of(const char *arg, struct reflex_proc *p)
{
	__u64 pid;
	int err;

	if (reflex_arg_u64("PID", arg, 1, PID_MAX, &pid))
		return 2;
	err = reflex_proc_of(pid, p);
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
"       %s [--socket PATH] --exec [--] COMMAND [ARG...]\n"
"       %s [--socket PATH] --release\n"
"\n"
"Show the foreground game of the pinned scx_reflex, or set it:\n"
"  PID            the process of PID (a thread id works too) is the game\n"
"  --auto         let the scheduler guess (the default)\n"
"  --none         no foreground game\n"
"These need root: the pins are root-only.  The setting ends when the game\n"
"exits.\n"
"\n"
"Without root, through reflex-gamed (scx_reflex-game.socket), for a user\n"
"at the machine:\n"
"  -e, --exec     register this process as the game, then run COMMAND in\n"
"                 it (a Steam launch option: reflex-game --exec -- %%command%%);\n"
"                 if that fails, COMMAND runs all the same, unregistered\n"
"  -r, --release  end your registration before the game exits\n"
"  -s, --socket PATH  reflex-gamed's socket (default %s)\n"
"\n"
"  -j, --json     JSON output    -p, --pretty   indented JSON\n"
"  -h, --help     this text      -V, --version  print the version\n",
		prog_name, prog_name, prog_name, REFLEX_GAME_SOCKET);
}

/* Ask reflex-gamed for @req; 0 when it said ok, else 1, reported. */
static int ask_server(const char *path, const char *req)
{
	char reply[REFLEX_GAME_LINE_MAX];
	int err;

	err = reflex_game_request(path, req, reply, sizeof(reply));
	if (err) {
		reflex_fail("start it: systemctl enable --now scx_reflex-game.socket",
			    "cannot reach reflex-gamed at %s: %s", path,
			    err == -EAGAIN ? "no reply" : strerror(-err));
		return 1;
	}
	if (strncmp(reply, "ok", 2)) {
		reflex_fail(NULL, "reflex-gamed refused to %s: %s", req,
			    !strncmp(reply, "error ", 6) ? reply + 6 : reply);
		return 1;
	}
	return 0;
}

/* --exec: register, then become the game; the game runs either way. */
static int exec_game(const char *path, char **cmd)
{
	if (!ask_server(path, "register"))
		fprintf(stderr, "%s: registered process %d (%s) as the game\n",
			prog_name, getpid(), cmd[0]);
	else
		fprintf(stderr, "%s: running %s unregistered\n", prog_name, cmd[0]);
	execvp(cmd[0], cmd);
	reflex_fail("check the command", "cannot run %s: %s", cmd[0],
		    strerror(errno));
	return 127;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "auto", no_argument, NULL, 'a' },
		{ "none", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "exec", no_argument, NULL, 'e' },
		{ "release", no_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	bool json = false, pretty = false, set = false, exec = false;
	bool rel = false;
	const char *sock = REFLEX_GAME_SOCKET;
	struct reflex_game_guess guess = {};
	struct reflex_game g = {};
	struct reflex_proc p, again;
	int c, fd, guess_fd, ret = 1;
	__u32 key = 0;

	reflex_report_init(prog_name, false, false);
	/* "+": the options end at COMMAND, whose own options are its own */
	while ((c = getopt_long(argc, argv, "+:anjpers:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'e': exec = true; break;
		case 'r': rel = true; break;
		case 's': sock = optarg; break;
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
	if (exec || rel) {
		if (set || (exec && rel) || (rel && optind != argc)) {
			reflex_fail("see --help", "--exec COMMAND and --release go alone");
			return 2;
		}
		if (rel)
			return ask_server(sock, "release");
		if (optind == argc) {
			reflex_fail("see --help", "--exec needs a COMMAND to run");
			return 2;
		}
		return exec_game(sock, argv + optind);
	}
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
	    (reflex_proc_stat(g.tgid, &again) || again.start != p.start)) {
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
