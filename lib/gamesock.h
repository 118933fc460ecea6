/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gamesock.h - how a user registers a game without root: reflex-game asks
 * reflex-gamed, which runs as root (scx_reflex-game.socket), over a unix
 * socket.  The request is one line, "register" (the asking process is
 * the game) or "release" (end the caller's registration); the reply one
 * line, "ok TGID" or "error WHY".  The server learns who asks from the
 * socket (SO_PEERCRED, SO_PEERPIDFD), never from the request.
 */
#ifndef __REFLEX_GAMESOCK_H
#define __REFLEX_GAMESOCK_H

#include <stddef.h>

#define REFLEX_GAME_SOCKET	"/run/scx_reflex/game.sock"
#define REFLEX_GAME_LINE_MAX	256

/*
 * Send @req to the server at @path and read its reply into @reply (the
 * line, without its newline).  0 once a reply came; -errno otherwise.
 */
int reflex_game_request(const char *path, const char *req, char *reply,
			size_t len);

/* Read one line from @fd into @buf (no newline); its length or -errno. */
int reflex_read_line(int fd, char *buf, size_t len);

#endif /* __REFLEX_GAMESOCK_H */
