// SPDX-License-Identifier: GPL-2.0
/*
 * reflex-gamed - let a user at the machine register a game without root.
 *
 * It runs as root (scx_reflex-game.socket starts it) and serves the
 * socket of gamesock.h.  A "register" makes the asking process the
 * foreground game (maps/game); the registration ends when that process
 * exits (a pidfd of it, taken from the socket, so a reused PID cannot be
 * mistaken for it), or on "release" from the same user.  Least privilege:
 *  - the only process a request can name is the one asking, which the
 *    kernel tells (SO_PEERCRED, SO_PEERPIDFD), so a user can only give
 *    their own game the game class's lead;
 *  - only a user with an active session at a seat (logind:
 *    /run/systemd/users/UID, STATE=active), or root, may register: what
 *    polkit's allow_active grants gamemode's helpers;
 *  - PID 1 and kernel threads are refused, as reflex-game refuses them.
 */
#define _GNU_SOURCE		/* struct ucred, accept4() */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>

#include <reflex/abi.h>
#include "args.h"
#include "gamesock.h"
#include "pins.h"
#include "proc.h"
#include "report.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif

static const char *prog_name = "reflex-gamed";

/* The registration it holds: the game's tgid, pidfd and user. */
static struct {
	__u32 tgid;
	int pidfd;
	uid_t uid;
} reg = { .pidfd = -1 };

static const char *users_dir = "/run/systemd/users";
static bool any_user;

/* Is @uid at the machine: root, or logind says one of its sessions is active? */
static bool user_active(uid_t uid)
{
	char path[256], line[128];
	bool active = false;
	FILE *f;

	if (uid == 0 || any_user)
		return true;
	snprintf(path, sizeof(path), "%s/%u", users_dir, uid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!active && fgets(line, sizeof(line), f))
		active = !strcmp(line, "STATE=active\n");
	fclose(f);
	return active;
}

/* Write @tgid to maps/game; 0 or -errno.  Opened afresh: it may be re-pinned. */
static int game_write(__u32 tgid)
{
	struct reflex_game g = { .tgid = tgid };
	__u32 key = 0;
	int fd, err = 0;

	fd = reflex_map_open(REFLEX_M_GAME, 0, NULL);
	if (fd < 0)
		return -ENOENT;
	if (bpf_map_update_elem(fd, &key, &g, 0))
		err = -errno;
	close(fd);
	return err;
}

/* maps/game's tgid, or 0 when it cannot be read. */
static __u32 game_read(void)
{
	struct reflex_game g = {};
	__u32 key = 0;
	int fd;

	fd = reflex_map_open(REFLEX_M_GAME, REFLEX_PIN_OPTIONAL, NULL);
	if (fd < 0)
		return 0;
	bpf_map_lookup_elem(fd, &key, &g);
	close(fd);
	return g.tgid;
}

/* End the registration; clear maps/game if it still names our game. */
static void release(const char *why)
{
	if (!reg.tgid)
		return;
	if (game_read() == reg.tgid)
		game_write(0);
	fprintf(stderr, "%s: game %u (uid %u) unregistered: %s\n", prog_name,
		reg.tgid, reg.uid, why);
	close(reg.pidfd);
	reg.pidfd = -1;
	reg.tgid = 0;
}

/* A pidfd of the peer: from the socket where the kernel can (6.5 on). */
static int peer_pidfd(int conn, pid_t pid)
{
	socklen_t len = sizeof(int);
	int fd;

	if (!getsockopt(conn, SOL_SOCKET, SO_PEERPIDFD, &fd, &len))
		return fd;
	/*
	 * Older kernels: open it by PID.  The peer waits for the reply
	 * before it goes on, so the PID is still its own.
	 */
	return syscall(SYS_pidfd_open, pid, 0);
}

static void do_register(int conn, const struct ucred *cr, char *reply,
			size_t len)
{
	struct reflex_proc p;
	int pidfd, err;

	if (!user_active(cr->uid)) {
		snprintf(reply, len, "error uid %u has no active session at this machine (logind: %s/%u); register from the desktop session, or as root",
			 cr->uid, users_dir, cr->uid);
		return;
	}
	err = reflex_proc_of(cr->pid, &p);
	if (err) {
		snprintf(reply, len, "error cannot read process %d: %s", cr->pid,
			 strerror(-err));
		return;
	}
	if (p.tgid == 1 || (p.flags & REFLEX_PF_KTHREAD)) {
		snprintf(reply, len, "error process %u (%s) is %s, not a game",
			 p.tgid, p.comm, p.tgid == 1 ? "init" : "a kernel thread");
		return;
	}
	pidfd = peer_pidfd(conn, cr->pid);
	if (pidfd < 0) {
		snprintf(reply, len, "error cannot watch process %d: %s", cr->pid,
			 strerror(errno));
		return;
	}
	err = game_write(p.tgid);
	if (err) {
		close(pidfd);
		snprintf(reply, len, "error cannot set the game in %s/%s: %s",
			 REFLEX_PIN_MAPS, REFLEX_MAP_GAME,
			 err == -ENOENT ? "scx_reflex is not pinned" : strerror(-err));
		return;
	}
	release("another game was registered");
	reg.tgid = p.tgid;
	reg.pidfd = pidfd;
	reg.uid = cr->uid;
	fprintf(stderr, "%s: game %u (%s) registered by uid %u\n", prog_name,
		p.tgid, p.comm, cr->uid);
	snprintf(reply, len, "ok %u", p.tgid);
}

static void do_release(const struct ucred *cr, char *reply, size_t len)
{
	if (!reg.tgid) {
		snprintf(reply, len, "ok 0");
		return;
	}
	if (cr->uid && cr->uid != reg.uid) {
		snprintf(reply, len, "error game %u was registered by uid %u, not %u",
			 reg.tgid, reg.uid, cr->uid);
		return;
	}
	release("released");
	snprintf(reply, len, "ok 0");
}

static void serve(int conn)
{
	struct timeval tv = { .tv_sec = 5 };
	char req[REFLEX_GAME_LINE_MAX], reply[REFLEX_GAME_LINE_MAX];
	socklen_t len = sizeof(struct ucred);
	struct ucred cr;

	/* A client that connects and says nothing must not stall the rest. */
	setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cr, &len) ||
	    reflex_read_line(conn, req, sizeof(req)) < 0)
		return;
	if (!strcmp(req, "register"))
		do_register(conn, &cr, reply, sizeof(reply));
	else if (!strcmp(req, "release"))
		do_release(&cr, reply, sizeof(reply));
	else
		snprintf(reply, sizeof(reply), "error unknown request (register or release)");
	if (strncmp(reply, "ok", 2))
		fprintf(stderr, "%s: refused %s from pid %d uid %u: %s\n",
			prog_name, req, cr.pid, cr.uid, reply + 6);
	dprintf(conn, "%s\n", reply);
}

/* The socket systemd passes (LISTEN_FDS), or one bound at @path. */
static int listen_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	int fd;

	if (!path && pid && n && atoi(pid) == getpid() && atoi(n) == 1)
		return 3;	/* SD_LISTEN_FDS_START */
	if (!path)
		path = REFLEX_GAME_SOCKET;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		reflex_fail(NULL, "socket path too long: %s", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(path, 0666) || listen(fd, 16)) {
		reflex_fail("check that its directory exists and is root's",
			    "cannot listen on %s: %s", path, strerror(errno));
		return -1;
	}
	return fd;
}

static void usage(void)
{
	printf(
"Usage: %s [OPTIONS]\n"
"\n"
"Serve game registrations from users at the machine (reflex-game --exec),\n"
"as root.  scx_reflex-game.socket starts it with its socket; without one\n"
"it listens on --socket.\n"
"\n"
"  -s, --socket PATH     listen on PATH (default: the socket systemd\n"
"                        passes, else %s)\n"
"  -u, --users-dir DIR   logind's user state files (default %s)\n"
"  -a, --any-user        let every local user register (no logind)\n"
"  -h, --help            this text\n"
"  -V, --version         print the version\n",
		prog_name, REFLEX_GAME_SOCKET, users_dir);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "users-dir", required_argument, NULL, 'u' },
		{ "any-user", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	const char *path = NULL;
	struct pollfd pfd[2];
	int c, lfd, conn;

	reflex_report_init(prog_name, false, false);
	while ((c = getopt_long(argc, argv, ":s:u:ahV", opts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'u': users_dir = optarg; break;
		case 'a': any_user = true; break;
		case 'h': usage(); return 0;
		case 'V': printf("%s %s\n", prog_name, REFLEX_VERSION); return 0;
		default: return reflex_arg_refused(c, argv, opts);
		}
	}
	if (optind != argc) {
		reflex_fail("see --help", "unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (geteuid()) {
		reflex_fail("it runs as root, from scx_reflex-game.socket",
			    "the pins it writes are root-only");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	lfd = listen_socket(path);
	if (lfd < 0)
		return 1;
	fprintf(stderr, "%s: serving game registrations%s\n", prog_name,
		any_user ? " from every local user" : "");
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = reg.pidfd, .events = POLLIN };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			reflex_fail(NULL, "poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[1].revents)
			release("the game exited");
		if (pfd[0].revents & POLLIN) {
			conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (conn >= 0) {
				serve(conn);
				close(conn);
			}
		}
	}
}
