#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_install.sh - `make install DESTDIR=D PREFIX=/usr` installs
# scx_reflex(8), the tools, the unit, the object and the pin scripts; from
# there, with the build tree out of sight, scx_reflex pin, status, the
# tools and unpin work; `make uninstall` removes every file installed.
#
# The installed tree is seen at /usr through an overlay, and the build
# tree hidden under an empty tmpfs, both in a mount namespace of the
# test's own (unshare -m): nothing is installed on the machine itself.
. "$(dirname "$0")/lib.sh"

need_sched_ext
need_root
[ -f "$SRCTREE/Makefile" ] ||
	ktap_skip_all "make install needs the build tree, which an installed suite does not carry"
command -v unshare >/dev/null || ktap_skip_all "unshare (util-linux) is not installed"

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
mk=(make -s --no-print-directory -C "$SRCTREE" O="$OBJTREE" PREFIX=/usr DESTDIR="$dest")

ktap_plan 13

[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null
ktap_check "make install DESTDIR=$dest PREFIX=/usr" "${mk[@]}" install
files=$(cd "$dest" && find . -type f | sed 's|^\.||' | sort)
ktap_note "installed $(echo "$files" | wc -l) files"
missing=
for f in /usr/sbin/scx_reflex /usr/sbin/reflex-status /usr/sbin/reflex-stats \
	 /usr/sbin/reflex-events /usr/sbin/reflex-tune /usr/bin/reflex-game \
	 /usr/lib/scx_reflex/bpf/scx_reflex.bpf.o \
	 /usr/lib/scx_reflex/loader/reflex-loader \
	 /usr/lib/systemd/system/scx_reflex.service \
	 /usr/lib/systemd/system/scx_reflex-game.socket \
	 /usr/sbin/reflex-gamed \
	 /usr/share/doc/scx_reflex/README.md \
	 /usr/share/bash-completion/completions/scx_reflex; do
	printf '%s\n' "$files" | grep -qx "$f" || missing="$missing $f"
done
ktap_result "$([ -z "$missing" ]; echo $?)" "the commands, object, loader, unit and docs are installed${missing:+ (missing:$missing)}"
ktap_result "$(! grep -rl -e "$SRCTREE" -e "$OBJTREE" -e '@LIBDIR@' -e '@SBINDIR@' "$dest/usr/sbin/scx_reflex" \
	"$dest"/usr/lib/systemd/system/scx_reflex*.service >/dev/null; echo $?)" \
	"scx_reflex and the units name installed paths, not the build tree"

# In the namespace: each step prints "RESULT rc description".
results=$(unshare -m --propagation private bash -c '
	dest=$1 src=$2 obj=$3 pins=$4
	step() { local d=$1; shift; "$@" > /tmp/step.out 2>&1; local rc=$?;
		 sed "s/^/# /" /tmp/step.out; echo "RESULT $rc $d"; }
	mount -t overlay overlay -o "lowerdir=$dest/usr:/usr" /usr || exit 1
	mount -t tmpfs none "$src" || exit 1
	[ "$obj" = "$src" ] || mount -t tmpfs none "$obj" || exit 1
	step "the build tree is out of sight" test ! -e "$src/Makefile"
	step "scx_reflex pin" /usr/sbin/scx_reflex pin
	step "scx_reflex status: running (exit 0)" /usr/sbin/scx_reflex status
	step "reflex-stats -c 1 from the installed tree" /usr/sbin/reflex-stats -c 1
	step "reflex-tune lists the tunables" /usr/sbin/reflex-tune
	step "reflex-events -t 1 reads the rings" /usr/sbin/reflex-events -t 1
	step "scx_reflex unpin" /usr/sbin/scx_reflex unpin
	step "no pins are left" test ! -e "$pins"
' _ "$dest" "$SRCTREE" "$OBJTREE" "$PIN_ROOT")
printf '%s\n' "$results" | grep -v '^RESULT '
n=0
while read -r _ rc desc; do
	ktap_result "$rc" "$desc"
	n=$((n + 1))
done < <(printf '%s\n' "$results" | grep '^RESULT ')
[ $n = 8 ] || ktap_result 1 "the installed-tree steps ran (8 expected, $n ran)"

ktap_check "make uninstall DESTDIR=$dest PREFIX=/usr" "${mk[@]}" uninstall
left=$(cd "$dest" && find . -type f | sed 's|^\.||')
[ -z "$left" ] || printf '%s\n' "$left" | sed 's/^/# left: /'
ktap_result "$([ -z "$left" ]; echo $?)" "make uninstall removed every installed file"
[ -e "$PIN_ROOT" ] && reflex_unpin >/dev/null

ktap_finish
