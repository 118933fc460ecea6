// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-run - run a BPF program once (or N times) with BPF_PROG_TEST_RUN and
 * print its return value.
 *
 * usage: bpf-run OBJECT PROGRAM
 *            load OBJECT and run its SEC("syscall") program PROGRAM
 *        bpf-run -p PINNED [-c CPU] [-n N] [ARG...]
 *            run the pinned raw_tp program PINNED with the u64 ARGs as its
 *            context, on CPU (BPF_F_TEST_RUN_ON_CPU), N times; prints the
 *            last return value
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int run_object(const char *file, const char *name)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_file(file, NULL);
	if (!obj) {
		fprintf(stderr, "bpf-run: cannot open %s: %s\n", file, strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, name);
	if (!prog) {
		fprintf(stderr, "bpf-run: no program %s in %s\n", name, file);
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "bpf-run: cannot load %s: %s\n", file, strerror(-err));
		return 1;
	}
	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts)) {
		fprintf(stderr, "bpf-run: test run of %s failed: %s\n", name,
			strerror(errno));
		return 1;
	}
	printf("%d\n", (int)opts.retval);
	bpf_object__close(obj);
	return 0;
}

static int run_pinned(const char *path, int cpu, long n, int argc, char **argv)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	__u64 args[12] = {};
	int fd, i;

	if (argc > 12) {
		fprintf(stderr, "bpf-run: at most 12 arguments\n");
		return 2;
	}
	for (i = 0; i < argc; i++)
		args[i] = strtoull(argv[i], NULL, 0);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "bpf-run: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	opts.ctx_in = args;
	opts.ctx_size_in = argc * sizeof(__u64);
	if (cpu >= 0) {
		opts.flags = BPF_F_TEST_RUN_ON_CPU;
		opts.cpu = cpu;
	}
	while (n-- > 0) {
		if (bpf_prog_test_run_opts(fd, &opts)) {
			fprintf(stderr, "bpf-run: test run of %s failed: %s\n",
				path, strerror(errno));
			return 1;
		}
	}
	printf("%d\n", (int)opts.retval);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *pinned = NULL;
	long n = 1;
	int c, cpu = -1;

	while ((c = getopt(argc, argv, "+p:c:n:")) != -1) {
		switch (c) {
		case 'p': pinned = optarg; break;
		case 'c': cpu = atoi(optarg); break;
		case 'n': n = atol(optarg); break;
		default: goto usage;
		}
	}
	if (pinned)
		return run_pinned(pinned, cpu, n, argc - optind, argv + optind);
	if (argc - optind == 2)
		return run_object(argv[optind], argv[optind + 1]);
usage:
	fprintf(stderr, "usage: bpf-run OBJECT PROGRAM\n"
			"       bpf-run -p PINNED [-c CPU] [-n N] [ARG...]\n");
	return 2;
}
