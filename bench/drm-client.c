// SPDX-License-Identifier: GPL-2.0
/*
 * drm-client - do what a compositor or a GPU client does to a DRM device,
 * with raw ioctls, for the thread class tests and benchmarks.
 *
 * usage: drm-client kms [-n COMMITS] [-r HZ]
 *            on the first KMS device (virtio-gpu in the test VM): a
 *            modeset, then COMMITS atomic commits flipping between two
 *            framebuffers, blocking, at HZ
 *        drm-client submit [-n JOBS] [-r HZ]
 *            on vgem: JOBS times, attach a fence to a buffer and signal
 *            it (vgem's stand-in for submitting GPU work), at HZ
 *        drm-client test-only [-n COMMITS]
 *            on the KMS device: TEST_ONLY atomic requests (not commits)
 *
 * Prints the thread id that did the work and how many times, as JSON.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <drm/drm.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_mode.h>
#include <drm/vgem_drm.h>

#define MAX_OBJS	64
#define PLANE_TYPE_PRIMARY 1	/* the "type" property: overlay 0, primary 1, cursor 2 */

static void die(const char *what)
{
	fprintf(stderr, "drm-client: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	while (ioctl(fd, req, arg)) {
		if (errno != EINTR && errno != EAGAIN)
			die(what);
	}
}

/* The first /dev/dri/card* whose driver is @driver (NULL: any with KMS). */
static int open_card(const char *driver)
{
	char path[300], name[64];
	struct dirent *e;
	DIR *d = opendir("/dev/dri");
	int fd;

	if (!d)
		die("/dev/dri (modprobe virtio-gpu vgem?)");
	while ((e = readdir(d))) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		struct drm_mode_card_res res = {};

		if (strncmp(e->d_name, "card", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) &&
		    (driver ? !strcmp(name, driver) :
		     !ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) &&
		     res.count_crtcs > 0)) {
			closedir(d);
			return fd;
		}
		close(fd);
	}
	closedir(d);
	errno = ENODEV;
	die(driver ? driver : "a DRM device with KMS");
	return -1;
}

static void pace(long long *next, long long period)
{
	struct timespec ts;

	*next += period;
	ts.tv_sec = *next / 1000000000LL;
	ts.tv_nsec = *next % 1000000000LL;
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- KMS ------------------------------------------------------------- */

/* Property @name of object @obj, its id and value. */
static uint32_t prop(int fd, uint32_t obj, uint32_t type, const char *name,
		     uint64_t *val)
{
	struct drm_mode_obj_get_properties op = { .obj_id = obj, .obj_type = type };
	uint32_t ids[MAX_OBJS];
	uint64_t vals[MAX_OBJS];
	uint32_t i;

	xioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op, "OBJ_GETPROPERTIES");
	if (op.count_props > MAX_OBJS)
		op.count_props = MAX_OBJS;
	op.props_ptr = (uintptr_t)ids;
	op.prop_values_ptr = (uintptr_t)vals;
	xioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op, "OBJ_GETPROPERTIES");
	for (i = 0; i < op.count_props; i++) {
		struct drm_mode_get_property gp = { .prop_id = ids[i] };

		xioctl(fd, DRM_IOCTL_MODE_GETPROPERTY, &gp, "GETPROPERTY");
		if (!strcmp(gp.name, name)) {
			if (val)
				*val = vals[i];
			return ids[i];
		}
	}
	errno = ENOENT;
	die(name);
	return 0;
}

struct atomic {
	uint32_t objs[MAX_OBJS], counts[MAX_OBJS], props[MAX_OBJS];
	uint64_t vals[MAX_OBJS];
	uint32_t nobjs, nprops;
};

static void add(struct atomic *a, int fd, uint32_t obj, uint32_t type,
		const char *name, uint64_t val)
{
	if (!a->nobjs || a->objs[a->nobjs - 1] != obj) {
		a->objs[a->nobjs] = obj;
		a->counts[a->nobjs++] = 0;
	}
	a->counts[a->nobjs - 1]++;
	a->props[a->nprops] = prop(fd, obj, type, name, NULL);
	a->vals[a->nprops++] = val;
}

static int commit(int fd, struct atomic *a, uint32_t flags)
{
	struct drm_mode_atomic req = {
		.flags = flags,
		.count_objs = a->nobjs,
		.objs_ptr = (uintptr_t)a->objs,
		.count_props_ptr = (uintptr_t)a->counts,
		.props_ptr = (uintptr_t)a->props,
		.prop_values_ptr = (uintptr_t)a->vals,
	};

	return ioctl(fd, DRM_IOCTL_MODE_ATOMIC, &req) ? -errno : 0;
}

static uint32_t make_fb(int fd, uint32_t w, uint32_t h)
{
	struct drm_mode_create_dumb cd = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_fb_cmd2 fb = { .width = w, .height = h,
				       .pixel_format = DRM_FORMAT_XRGB8888 };

	xioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd, "CREATE_DUMB");
	fb.handles[0] = cd.handle;
	fb.pitches[0] = cd.pitch;
	xioctl(fd, DRM_IOCTL_MODE_ADDFB2, &fb, "ADDFB2");
	return fb.fb_id;
}

static long kms(long n, long hz, int test_only)
{
	uint32_t crtcs[MAX_OBJS], conns[MAX_OBJS], planes[MAX_OBJS];
	struct drm_mode_card_res res = {};
	struct drm_mode_get_plane_res pres = {};
	struct drm_mode_modeinfo mode;
	struct drm_mode_create_blob blob = {};
	uint32_t conn = 0, crtc, plane = 0, fb[2], i, w, h;
	long long next = now_ns();
	long done = 0;
	struct atomic a;
	uint64_t type;
	int fd = open_card(NULL);

	struct drm_set_client_cap up = { DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1 };
	struct drm_set_client_cap at = { DRM_CLIENT_CAP_ATOMIC, 1 };

	xioctl(fd, DRM_IOCTL_SET_CLIENT_CAP, &up, "UNIVERSAL_PLANES");
	xioctl(fd, DRM_IOCTL_SET_CLIENT_CAP, &at, "ATOMIC");
	xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "GETRESOURCES");
	if (res.count_crtcs > MAX_OBJS || res.count_connectors > MAX_OBJS)
		die("too many CRTCs or connectors");
	res.crtc_id_ptr = (uintptr_t)crtcs;
	res.connector_id_ptr = (uintptr_t)conns;
	res.count_fbs = res.count_encoders = 0;
	xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res, "GETRESOURCES");
	crtc = crtcs[0];

	for (i = 0; i < res.count_connectors && !conn; i++) {
		struct drm_mode_get_connector gc = { .connector_id = conns[i] };
		struct drm_mode_modeinfo modes[MAX_OBJS];

		xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &gc, "GETCONNECTOR");
		if (gc.connection != 1 || !gc.count_modes)
			continue;
		if (gc.count_modes > MAX_OBJS)
			gc.count_modes = MAX_OBJS;
		gc.modes_ptr = (uintptr_t)modes;
		gc.count_props = gc.count_encoders = 0;
		xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &gc, "GETCONNECTOR");
		mode = modes[0];
		conn = conns[i];
	}
	if (!conn) {
		errno = ENODEV;
		die("a connected connector");
	}

	xioctl(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pres, "GETPLANERESOURCES");
	if (pres.count_planes > MAX_OBJS)
		pres.count_planes = MAX_OBJS;
	pres.plane_id_ptr = (uintptr_t)planes;
	xioctl(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pres, "GETPLANERESOURCES");
	for (i = 0; i < pres.count_planes && !plane; i++) {
		struct drm_mode_get_plane gp = { .plane_id = planes[i] };

		xioctl(fd, DRM_IOCTL_MODE_GETPLANE, &gp, "GETPLANE");
		prop(fd, planes[i], DRM_MODE_OBJECT_PLANE, "type", &type);
		if ((gp.possible_crtcs & 1) && type == PLANE_TYPE_PRIMARY)
			plane = planes[i];
	}
	if (!plane) {
		errno = ENODEV;
		die("a primary plane");
	}

	w = mode.hdisplay;
	h = mode.vdisplay;
	fb[0] = make_fb(fd, w, h);
	fb[1] = make_fb(fd, w, h);
	blob.data = (uintptr_t)&mode;
	blob.length = sizeof(mode);
	xioctl(fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &blob, "CREATEPROPBLOB");

	memset(&a, 0, sizeof(a));
	add(&a, fd, conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", crtc);
	add(&a, fd, crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", blob.blob_id);
	add(&a, fd, crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "FB_ID", fb[0]);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID", crtc);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_X", 0);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_Y", 0);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_W", (uint64_t)w << 16);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "SRC_H", (uint64_t)h << 16);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_X", 0);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y", 0);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_W", w);
	add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "CRTC_H", h);
	if (test_only) {
		for (done = 0; done < n; done++)
			if (commit(fd, &a, DRM_MODE_ATOMIC_TEST_ONLY |
					   DRM_MODE_ATOMIC_ALLOW_MODESET)) {
				errno = -commit(fd, &a, DRM_MODE_ATOMIC_TEST_ONLY |
						       DRM_MODE_ATOMIC_ALLOW_MODESET);
				die("TEST_ONLY atomic request");
			}
		return done;
	}
	errno = -commit(fd, &a, DRM_MODE_ATOMIC_ALLOW_MODESET);
	if (errno)
		die("modeset");

	/* Page flips: only the plane's framebuffer changes. */
	for (done = 0; done < n; done++) {
		memset(&a, 0, sizeof(a));
		add(&a, fd, plane, DRM_MODE_OBJECT_PLANE, "FB_ID", fb[(done + 1) % 2]);
		pace(&next, 1000000000LL / hz);
		errno = -commit(fd, &a, 0);
		if (errno)
			die("atomic commit");
	}
	return done;
}

/* ---- vgem ------------------------------------------------------------ */

static long submit(long n, long hz)
{
	struct drm_mode_create_dumb cd = { .width = 64, .height = 64, .bpp = 32 };
	long long next = now_ns();
	int fd = open_card("vgem");
	long done;

	xioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &cd, "CREATE_DUMB on vgem");
	for (done = 0; done < n; done++) {
		struct drm_vgem_fence_attach fa = { .handle = cd.handle,
						    .flags = VGEM_FENCE_WRITE };
		struct drm_vgem_fence_signal fs = {};

		pace(&next, 1000000000LL / hz);
		xioctl(fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &fa, "VGEM_FENCE_ATTACH");
		fs.fence = fa.out_fence;
		xioctl(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &fs, "VGEM_FENCE_SIGNAL");
	}
	return done;
}

int main(int argc, char **argv)
{
	long n = 100, hz = 60, done;
	const char *what;
	int c;

	if (argc < 2)
		goto usage;
	what = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		switch (c) {
		case 'n': n = atol(optarg); break;
		case 'r': hz = atol(optarg); break;
		default: goto usage;
		}
	}
	if (n < 1 || hz < 1 || hz > 100000)
		goto usage;
	if (!strcmp(what, "kms"))
		done = kms(n, hz, 0);
	else if (!strcmp(what, "test-only"))
		done = kms(n, hz, 1);
	else if (!strcmp(what, "submit"))
		done = submit(n, hz);
	else
		goto usage;
	printf("{\"tid\":%ld,\"done\":%ld}\n", (long)syscall(SYS_gettid), done);
	return 0;
usage:
	fprintf(stderr, "usage: drm-client kms|test-only|submit [-n N] [-r HZ]\n");
	return 2;
}
