#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_build.sh - the built BPF object is what the rest of scx_reflex and
# its users expect: BTF, the struct_ops map and its data, the 16 ring
# buffers, the stats/tunables/exit_info maps with named fields, program
# names the loader can map to slots; and the build itself behaves (O=,
# quiet output).
#
# The expected names and numbers are written out here, not read from the
# code under test.
. "$(dirname "$0")/../lib.sh"

[ -f "$BPF_OBJ" ] || ktap_skip_all "no $BPF_OBJ: run make first"
objinfo=$HELPERS/bpf-objinfo
[ -x "$objinfo" ] || ktap_skip_all "no $objinfo: run make -C selftests"

ktap_plan 19

info=$("$objinfo" -s reflex_stats -s reflex_exit_info -s reflex_tunables \
	-s sched_ext_ops "$BPF_OBJ")

ktap_check "object carries BTF with a .maps section" \
	sh -c "bpftool btf dump file '$BPF_OBJ' | grep -q \"DATASEC '.maps'\""

has() { printf '%s\n' "$info" | grep -qxF "$1"; }

ktap_check "struct_ops map reflex_ops of struct sched_ext_ops" \
	has "map reflex_ops struct_ops max_entries=1 value=sched_ext_ops"

ktap_check "ops name is \"reflex\"" has "ops name reflex"
ktap_check "ops timeout_ms is 5000 (watchdog on, within the 30 s limit)" \
	has "ops timeout_ms 5000"
# SCX_OPS_ALLOW_QUEUED_WAKEUP is 1 << 5 in the kernels we support.
ktap_check "ops flags are SCX_OPS_ALLOW_QUEUED_WAKEUP (32)" has "ops flags 32"

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

ktap_check "event_counts: array of 16 struct reflex_ring_counts" \
	has "map event_counts array max_entries=16 value=reflex_ring_counts"
ktap_check "task_classes: LRU hash of struct reflex_task_info" \
	has "map task_classes lru_hash max_entries=1024 value=reflex_task_info"
ktap_result "$(printf '%s\n' "$info" | grep -qx 'prog reflex_input_event fentry/input_event tracing' &&
	       printf '%s\n' "$info" | grep -qx 'prog reflex_input_read fentry/input_event_to_user tracing'; echo $?)" \
	"input hooks: fentry on input_event and input_event_to_user (vmlinux, no module)"

ktap_result "$(printf '%s\n' "$info" | grep -qx 'prog reflex_ioctl fentry/security_file_ioctl tracing' &&
	       printf '%s\n' "$info" | grep -qx 'prog reflex_fence_init tp_btf/dma_fence_init tracing'; echo $?)" \
	"class hooks: fentry on security_file_ioctl, tp_btf on dma_fence_init"
ktap_check "game: array of struct reflex_game" \
	has "map game array max_entries=1 value=reflex_game"

# The loader puts progs/reflex_<member> into slot <member>.
members=" $(printf '%s\n' "$info" | sed -n 's/^btf sched_ext_ops //p') "
bad=
while read -r _ name sec _; do
	op=${sec#struct_ops*/}
	[ "$name" = "reflex_$op" ] && [[ "$members" == *" $op "* ]] || bad="$bad $name($sec)"
done < <(printf '%s\n' "$info" | awk '$1 == "prog" && $4 == "struct_ops"')
[ -z "$bad" ] || ktap_note "misnamed struct_ops programs:$bad"
ktap_result "$([ -z "$bad" ]; echo $?)" \
	"every struct_ops program is reflex_<member> of sched_ext_ops"

# O= puts every output in the build directory, quietly, kernel style.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(make -C "$SRCTREE" O="$tmp" VMLINUX_BTF= 2>&1)
rc=$?
[ $rc = 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
ktap_result "$([ $rc = 0 ] && [ -f "$tmp/bpf/scx_reflex.bpf.o" ] &&
	       [ -x "$tmp/loader/reflex-loader" ]; echo $?)" \
	"make O=DIR builds the object and the loader into DIR"
ktap_result "$(printf '%s\n' "$out" | grep -q '^  CLANG-BPF bpf/scx_reflex.bpf.o$' &&
	       ! printf '%s\n' "$out" | grep -q -- '-target bpf'; echo $?)" \
	"quiet output by default ('  CLANG-BPF bpf/scx_reflex.bpf.o', no commands)"

ktap_finish
