// SPDX-License-Identifier: GPL-2.0
/*
 * gamesock.c - the client side of game registration (gamesock.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "gamesock.h"

/* A server that does not answer in this long is taken as gone. */
#define REQUEST_TIMEOUT_S	10

int reflex_read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	char c;

	while (n + 1 < len) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0 || c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return n;
}

int reflex_game_request(const char *path, const char *req, char *reply,
			size_t len)
{
	struct timeval tv = { .tv_sec = REQUEST_TIMEOUT_S };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err = 0;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    dprintf(fd, "%s\n", req) < 0) {
		err = -errno;
		goto out;
	}
	err = reflex_read_line(fd, reply, len);
	if (err == 0)
		err = -ECONNRESET;	/* closed without a word */
	else if (err > 0)
		err = 0;
out:
	close(fd);
	return err;
}
