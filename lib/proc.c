// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c - what /proc says about a process (proc.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

/*
 * "pid (comm) state ppid ... flags(9) ... starttime(22)": comm may hold
 * spaces and parentheses, so it ends at the last ')'.
 */
int reflex_proc_stat(long pid, struct reflex_proc *p)
{
	char path[64], buf[1024], *rp, *f, *save;
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
	for (field = 3, f = strtok_r(rp + 2, " ", &save); f;
	     f = strtok_r(NULL, " ", &save), field++) {
		if (field == 9)
			p->flags = strtoul(f, NULL, 10);
		else if (field == 22)
			p->start = strtoull(f, NULL, 10);
	}
	return field > 22 ? 0 : -EINVAL;
}

int reflex_proc_of(long pid, struct reflex_proc *p)
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
	return reflex_proc_stat(tgid, p);
}
