/* SPDX-License-Identifier: GPL-2.0 */
/*
 * events.bpf.h - the 16 input event ring buffers.
 *
 * One BPF_MAP_TYPE_RINGBUF per CPU modulo 16 (events_00 .. events_15), so
 * that a burst on one CPU cannot crowd out another CPU's events.  They are
 * declared, created and pinned with the scheduler; the input pipeline that
 * writes to them is not built yet.  Names and sizes come from abi.h;
 * selftests/host/test_build.sh checks both in the object.
 */
#ifndef __REFLEX_EVENTS_BPF_H
#define __REFLEX_EVENTS_BPF_H

#define REFLEX_EVENT_RING(nn)						\
struct {								\
	__uint(type, BPF_MAP_TYPE_RINGBUF);				\
	__uint(max_entries, REFLEX_EVENT_RING_SIZE);			\
} events_##nn SEC(".maps")

REFLEX_EVENT_RING(00); REFLEX_EVENT_RING(01); REFLEX_EVENT_RING(02);
REFLEX_EVENT_RING(03); REFLEX_EVENT_RING(04); REFLEX_EVENT_RING(05);
REFLEX_EVENT_RING(06); REFLEX_EVENT_RING(07); REFLEX_EVENT_RING(08);
REFLEX_EVENT_RING(09); REFLEX_EVENT_RING(10); REFLEX_EVENT_RING(11);
REFLEX_EVENT_RING(12); REFLEX_EVENT_RING(13); REFLEX_EVENT_RING(14);
REFLEX_EVENT_RING(15);

#endif /* __REFLEX_EVENTS_BPF_H */
