/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.bpf.h - what every BPF program of scx_reflex starts from: the
 * kernel's types (vmlinux.h, generated at build time) without bpftool's
 * kfunc prototypes, libbpf's helpers, and the few errno values BPF code
 * returns.
 */
#ifndef __REFLEX_COMMON_BPF_H
#define __REFLEX_COMMON_BPF_H

#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* vmlinux.h has no errno values. */
#define ENOENT		2
#define ENOMEM		12
#define ENOSPC		28

#endif /* __REFLEX_COMMON_BPF_H */
