// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-game - show or set the foreground game of the pinned scx_reflex.
 *
 * The threads of the foreground game's process get the game class's lead
 * in the shared queue.  Without a setting the scheduler guesses the game
 * (a process that reads input and submits GPU work, and commits no KMS
 * updates); this overrides the guess.  It only writes the tgid field of
 * maps/game (struct reflex_game), which `bpftool map update` can do too.
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
#include "json.h"
#include "pins.h"
#include "report.h"

static const char *prog_name = "reflex-game";

/* The process a pid belongs to (the pid may be a thread's). */
static int tgid_of(long pid, __u32 *tgid, char *comm, size_t len)
{
	char path[64], line[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Name:", 5)) {
			snprintf(comm, len, "%s", line + 5 + strspn(line + 5, " \t"));
			comm[strcspn(comm, "\n")] = '\0';
		} else if (sscanf(line, "Tgid: %u", tgid) == 1) {
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

static void comm_of(__u32 tgid, char *comm, size_t len)
{
	__u32 ignored;

	if (!tgid || tgid_of(tgid, &ignored, comm, len))
		snprintf(comm, len, "-");
}

static void show(const struct reflex_game *g, bool json, bool pretty)
{
	char set_comm[64], guess_comm[64];
	const char *mode;
	__u32 game;

	comm_of(g->tgid == REFLEX_GAME_NONE ? 0 : g->tgid, set_comm,
		sizeof(set_comm));
	comm_of(g->guess, guess_comm, sizeof(guess_comm));
	if (g->tgid == REFLEX_GAME_NONE) {
		mode = "none";
		game = 0;
	} else if (g->tgid) {
		mode = "set";
		game = g->tgid;
	} else {
		mode = "guess";
		game = g->guess;
	}
	if (json) {
		struct json j;

		json_init(&j, stdout, pretty);
		json_obj_begin(&j, NULL);
		json_str(&j, "mode", mode);
		json_u64(&j, "tgid", game);
		json_str(&j, "comm", game == g->guess ? guess_comm : set_comm);
		json_u64(&j, "guess", g->guess);
		json_str(&j, "guess_comm", guess_comm);
		json_obj_end(&j);
		json_finish(&j);
		return;
	}
	if (!strcmp(mode, "none"))
		printf("game:  none (set with --none)\n");
	else if (!strcmp(mode, "set"))
		printf("game:  %u (%s), set by hand\n", g->tgid, set_comm);
	else if (g->guess)
		printf("game:  %u (%s), guessed by the scheduler\n", g->guess,
		       guess_comm);
	else
		printf("game:  none yet; the scheduler is guessing\n");
	if (strcmp(mode, "guess"))
		printf("guess: %u (%s)\n", g->guess, guess_comm);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTIONS] [PID | --auto | --none]\n"
"\n"
"Show the foreground game of the pinned scx_reflex, or set it:\n"
"  PID       the process of PID (a thread id works too) is the game\n"
"  --auto    let the scheduler guess (the default)\n"
"  --none    no foreground game\n"
"\n"
"  -j, --json    JSON output    -p, --pretty   indented JSON\n"
"  -h, --help\n"
"\n"
"Needs root: the pins are root-only.\n", prog_name);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "auto", no_argument, NULL, 'a' },
		{ "none", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool json = false, pretty = false, set = false;
	struct reflex_game g;
	char comm[64];
	__u32 key = 0, tgid = 0;
	int c, fd, err;
	long pid;
	char *end;

	while ((c = getopt_long(argc, argv, "anjph", opts, NULL)) != -1) {
		switch (c) {
		case 'a': set = true; tgid = 0; break;
		case 'n': set = true; tgid = REFLEX_GAME_NONE; break;
		case 'p': pretty = true; /* fallthrough */
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	reflex_report_init(prog_name, json, pretty);
	if (optind < argc - 1 || (optind == argc - 1 && set)) {
		usage(stderr);
		return 2;
	}
	if (optind == argc - 1) {
		pid = strtol(argv[optind], &end, 10);
		if (*end || pid <= 0) {
			reflex_fail("give a process id, --auto or --none",
				    "'%s' is not a process id", argv[optind]);
			return 2;
		}
		err = tgid_of(pid, &tgid, comm, sizeof(comm));
		if (err) {
			reflex_fail("check the process id (ps -e)",
				    "no process %ld: %s", pid, strerror(-err));
			return 1;
		}
		set = true;
	}

	fd = reflex_map_open(REFLEX_M_GAME, 0, NULL);
	if (fd < 0)
		return 1;
	if (bpf_map_lookup_elem(fd, &key, &g)) {
		reflex_fail(NULL, "cannot read %s/%s: %s", REFLEX_PIN_MAPS,
			    REFLEX_MAP_GAME, strerror(errno));
		return 1;
	}
	if (set) {
		g.tgid = tgid;
		if (bpf_map_update_elem(fd, &key, &g, 0)) {
			reflex_fail(NULL, "cannot write %s/%s: %s",
				    REFLEX_PIN_MAPS, REFLEX_MAP_GAME,
				    strerror(errno));
			return 1;
		}
	}
	show(&g, json, pretty);
	close(fd);
	return 0;
}
