#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_build.sh - the built BPF object is what the rest of scx_reflex and
# its users expect: BTF, the struct_ops map, the 16 ring buffers, the
# stats/tunables/exit_info maps with named fields, the hooks, program
# names the loader can map to slots.  Where the source tree is at hand (not
# in an installed suite), the build itself too: O=, quiet output, commands
# run again when their flags change and only then, and without kernel BTF
# one message that names the fix.
#
# The expected names and numbers are written out here, not read from the
# code under test.
. "$(dirname "$0")/lib.sh"

[ -f "$BPF_OBJ" ] || ktap_skip_all "no $BPF_OBJ: run make first"
objinfo=$HELPERS/bpf-objinfo
[ -x "$objinfo" ] || ktap_skip_all "no $objinfo: run make -C selftests"

have_src=0
[ -f "$SRCTREE/Makefile" ] && have_src=1
if [ $have_src = 1 ]; then
	ktap_plan 23
else
	ktap_plan 17
	ktap_note "installed suite, no source tree: the build is checked where there is one"
fi

info=$("$objinfo" -s reflex_stats -s reflex_exit_info -s reflex_tunables \
	-s sched_ext_ops "$BPF_OBJ")
has() { printf '%s\n' "$info" | grep -qxF "$1"; }

ktap_check "object carries BTF with a .maps section" \
	sh -c "bpftool btf dump file '$BPF_OBJ' | grep -q \"DATASEC '.maps'\""
ktap_check "struct_ops map reflex_ops of struct sched_ext_ops" \
	has "map reflex_ops struct_ops max_entries=1 value=sched_ext_ops"

rings=$(printf '%s\n' "$info" | awk '$1 == "map" && $3 == "ringbuf"')
want=$(for i in $(seq 0 15); do printf 'events_%02d\n' "$i"; done)
ktap_result "$([ "$(printf '%s\n' "$rings" | awk '{print $2}')" = "$want" ]; echo $?)" \
	"exactly 16 ring buffers, events_00 .. events_15"
ktap_result "$([ "$(printf '%s\n' "$rings" | grep -c 'max_entries=262144 ')" = 16 ]; echo $?)" \
	"every ring buffer is 256 KiB"

ktap_check "stats: per-CPU array of struct reflex_stats" \
	has "map stats percpu_array max_entries=1 value=reflex_stats"
ktap_check "stats: BTF names the counters" sh -c "printf '%s\n' \"\$0\" |
	grep -E '^btf reflex_stats .*\\benqueue\\b.*\\bdispatch_shared\\b.*\\brunning\\b'" "$info"
ktap_check "exit_info: array of struct reflex_exit_info with kind, exit_code, reason, msg" \
	sh -c "printf '%s\n' \"\$0\" | grep -qx 'map exit_info array max_entries=1 value=reflex_exit_info' &&
	       printf '%s\n' \"\$0\" | grep -E '^btf reflex_exit_info kind .*exit_code.*reason msg\$'" "$info"
ktap_check "tunables: array of struct reflex_tunables with slice_ns" \
	sh -c "printf '%s\n' \"\$0\" | grep -qx 'map tunables array max_entries=1 value=reflex_tunables' &&
	       printf '%s\n' \"\$0\" | grep -E '^btf reflex_tunables .*\\bslice_ns\\b'" "$info"
ktap_check "latency: per-CPU array of struct reflex_latency" \
	has "map latency percpu_array max_entries=1 value=reflex_latency"
ktap_check "event_counts: array of 16 struct reflex_ring_counts" \
	has "map event_counts array max_entries=16 value=reflex_ring_counts"
ktap_check "task_classes: LRU hash of struct reflex_task_info" \
	has "map task_classes lru_hash max_entries=1024 value=reflex_task_info"
ktap_result "$(has 'map game array max_entries=1 value=reflex_game' &&
	       has 'map game_guess array max_entries=1 value=reflex_game_guess'; echo $?)" \
	"game, game_guess: arrays of struct reflex_game, reflex_game_guess"
ktap_result "$(has 'prog reflex_input_event fentry/input_event tracing' &&
	       has 'prog reflex_input_read fentry/input_event_to_user tracing'; echo $?)" \
	"input hooks: fentry on input_event and input_event_to_user (vmlinux, no module)"
ktap_result "$(has 'prog reflex_ioctl fentry/security_file_ioctl tracing' &&
	       has 'prog reflex_fence_init tp_btf/dma_fence_init tracing' &&
	       has 'prog reflex_process_exit tp_btf/sched_process_exit tracing'; echo $?)" \
	"class hooks: fentry on security_file_ioctl, tp_btf on dma_fence_init and sched_process_exit"

# The loader puts progs/reflex_<member> into slot <member>.
members=" $(printf '%s\n' "$info" | sed -n 's/^btf sched_ext_ops //p') "
bad= n=0
while read -r _ name _ _; do
	n=$((n + 1))
	[[ "$members" == *" ${name#reflex_} "* ]] || bad="$bad $name"
done < <(printf '%s\n' "$info" | awk '$1 == "prog" && $4 == "struct_ops"')
[ -z "$bad" ] || ktap_note "not named reflex_<member of sched_ext_ops>:$bad"
ktap_result "$([ -z "$bad" ] && [ $n -ge 10 ]; echo $?)" \
	"every struct_ops program ($n) is reflex_<member> of sched_ext_ops"
ktap_result "$(has 'prog reflex_enqueue struct_ops/reflex_enqueue struct_ops' &&
	       has 'prog reflex_init struct_ops.s/reflex_init struct_ops'; echo $?)" \
	"op programs are named in their own sections (grep finds reflex_enqueue)"
# The four units' own maps, in the one linked object.
ktap_result "$(has 'map cpu_state percpu_array max_entries=1 value=reflex_cpu_state' &&
	       has 'map proc_signals lru_hash max_entries=256 value=reflex_proc' &&
	       has 'map task_ctx task_storage max_entries=0 value=reflex_task_ctx'; echo $?)" \
	"the maps of main, events, input and classes are linked into one object"

[ $have_src = 1 ] || ktap_finish

# ---- the build itself ----------------------------------------------------
# The kernel BTF the build uses: `make vmlinux`'s, or this kernel's.
btf=$OBJTREE/vmlinux
[ -e "$btf" ] || btf=/sys/kernel/btf/vmlinux
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One BPF unit and one program with the library: every kind of rule, and
# little enough to build in a slow VM.
mk() { make -C "$SRCTREE" O="$tmp/o" VMLINUX_BTF="$btf" "$@" \
	"$tmp/o/bpf/main.bpf.o" "$tmp/o/tools/reflex-tune" 2>&1; }
built() { printf '%s\n' "$1" | grep -E '^  [A-Z-]+ +[a-z]'; }

out=$(mk)
rc=$?
[ $rc = 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
ktap_result "$([ $rc = 0 ] && [ -f "$tmp/o/bpf/main.bpf.o" ] &&
	       [ -x "$tmp/o/tools/reflex-tune" ]; echo $?)" \
	"make O=DIR builds into DIR"
ktap_result "$(printf '%s\n' "$out" | grep -q '^  CLANG-BPF bpf/main.bpf.o$' &&
	       printf '%s\n' "$out" | grep -q '^  LD        tools/reflex-tune$' &&
	       ! printf '%s\n' "$out" | grep -q -- '-target bpf'; echo $?)" \
	"quiet output by default ('  CLANG-BPF bpf/main.bpf.o', no commands)"
out=$(mk)
ktap_result "$([ -z "$(built "$out")" ]; echo $?)" "a second make builds nothing"
built "$out" | head -n 5 | sed 's/^/# /'
out=$(mk EXTRA_CFLAGS=-DREFLEX_SELFTEST)
ktap_result "$(printf '%s\n' "$out" | grep -q '^  CC        tools/reflex-tune.o$' &&
	       printf '%s\n' "$out" | grep -q '^  CC        lib/pins.o$' &&
	       printf '%s\n' "$out" | grep -q '^  LD        tools/reflex-tune$' &&
	       ! printf '%s\n' "$out" | grep -q 'CLANG-BPF'; echo $?)" \
	"other EXTRA_CFLAGS build the C again, not the BPF"
out=$(mk EXTRA_CFLAGS=-DREFLEX_SELFTEST)
ktap_result "$([ -z "$(built "$out")" ]; echo $?)" "... and only once"

# Without kernel BTF that describes sched_ext, and without a network: one
# message, naming both ways out, and nothing fetched.
nobtf()
{
	unshare -m -n --propagation private sh -c "
		mount --bind /dev/null /sys/kernel/btf/vmlinux &&
		make -s -C '$SRCTREE' O='$tmp/nobtf' 2>&1"
}
desc="no kernel BTF, no network: fails with one message naming 'make vmlinux' and VMLINUX_BTF"
if [ "$(id -u)" != 0 ]; then
	ktap_skip "$desc" "hiding /sys/kernel/btf/vmlinux needs root"
else
	out=$(nobtf)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	ktap_result "$([ $rc != 0 ] &&
		       [ "$(printf '%s\n' "$out" | grep -c '^scx_reflex: ')" = 1 ] &&
		       printf '%s\n' "$out" | grep -q "run 'make vmlinux'" &&
		       printf '%s\n' "$out" | grep -q 'VMLINUX_BTF=' &&
		       [ ! -e "$tmp/nobtf/vmlinux" ]; echo $?)" "$desc"
fi

ktap_finish
