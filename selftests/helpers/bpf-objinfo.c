// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-objinfo - describe a BPF object file without loading it, one fact
 * per line, for tests to compare against what they expect:
 *
 *   map NAME TYPE max_entries=N value=STRUCT
 *   prog NAME SECTION TYPE
 *   btf STRUCT MEMBER...    members of the named BTF structs (-s STRUCT)
 *
 * usage: bpf-objinfo [-s STRUCT]... OBJECT
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static const struct btf_type *resolve(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

static const char *value_type(const struct btf *btf, struct bpf_map *map)
{
	const struct btf_type *t;
	__u32 id = bpf_map__btf_value_type_id(map);

	if (!btf || !id)
		return "-";
	t = resolve(btf, id);
	return t ? btf__name_by_offset(btf, t->name_off) : "-";
}

static void print_struct(const struct btf *btf, const char *name)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i;

	id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	if (id < 0) {
		printf("btf %s (none)\n", name);
		return;
	}
	t = btf__type_by_id(btf, id);
	printf("btf %s", name);
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++)
		printf(" %s", btf__name_by_offset(btf, m->name_off));
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *structs[16];
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	int nr_structs = 0, c, i;
	struct btf *btf;

	while ((c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's' || nr_structs == 16) {
			fprintf(stderr, "usage: %s [-s STRUCT]... OBJECT\n", argv[0]);
			return 2;
		}
		structs[nr_structs++] = optarg;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: %s [-s STRUCT]... OBJECT\n", argv[0]);
		return 2;
	}
	libbpf_set_print(NULL);
	obj = bpf_object__open_file(argv[optind], NULL);
	if (!obj) {
		fprintf(stderr, "%s: cannot open %s: %s\n", argv[0],
			argv[optind], strerror(errno));
		return 1;
	}
	btf = bpf_object__btf(obj);
	bpf_object__for_each_map(map, obj) {
		printf("map %s %s max_entries=%u value=%s\n",
		       bpf_map__name(map),
		       libbpf_bpf_map_type_str(bpf_map__type(map)),
		       bpf_map__max_entries(map), value_type(btf, map));
	}
	bpf_object__for_each_program(prog, obj)
		printf("prog %s %s %s\n", bpf_program__name(prog),
		       bpf_program__section_name(prog),
		       libbpf_bpf_prog_type_str(bpf_program__type(prog)));
	for (i = 0; i < nr_structs; i++)
		print_struct(btf, structs[i]);
	bpf_object__close(obj);
	return 0;
}
