// SPDX-License-Identifier: GPL-2.0
/*
 * run-syscall-prog - load a BPF object and run one of its SEC("syscall")
 * programs once with BPF_PROG_TEST_RUN; print its return value.
 *
 * usage: run-syscall-prog OBJECT PROGRAM
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OBJECT PROGRAM\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "%s: cannot open %s: %s\n", argv[0], argv[1],
			strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, argv[2]);
	if (!prog) {
		fprintf(stderr, "%s: no program %s in %s\n", argv[0], argv[2],
			argv[1]);
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "%s: cannot load %s: %s\n", argv[0], argv[1],
			strerror(-err));
		return 1;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err) {
		fprintf(stderr, "%s: test run of %s failed: %s\n", argv[0],
			argv[2], strerror(errno));
		return 1;
	}
	printf("%d\n", (int)opts.retval);
	bpf_object__close(obj);
	return 0;
}
