/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a path walk reads at each step, each in one helper call where the
 * kernel keeps the fields side by side: a dentry's parent and name, and a
 * mount's parent, mountpoint and root. A helper call costs tens of ns; the
 * walk of an exec's executable and working directory makes a few per
 * component. The layouts are checked at load time (CO-RE offsets, known
 * constants to the verifier, which drops the other branch); a kernel that
 * moved the fields gets the read a field at a time.
 */
#ifndef PL_PATH_BPF_H
#define PL_PATH_BPF_H

#include "common.bpf.h"

/* Our own structs, not the kernel's: no CO-RE relocation of their fields. */
struct dentry_up {
	struct dentry *parent;		/* d_parent */
	__u32 hash;			/* d_name (a struct qstr) */
	__u32 len;
	const unsigned char *name;
};

struct mount_up {
	struct mount *parent;		/* mnt_parent */
	struct dentry *mountpoint;	/* mnt_mountpoint */
	struct dentry *root;		/* mnt.mnt_root */
};

/* qstr's hash then len: its order on little-endian machines */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "qstr layout");

static __always_inline void read_dentry_up(struct dentry_up *d,
					   struct dentry *dentry)
{
	__u32 parent = bpf_core_field_offset(struct dentry, d_parent);

	if (bpf_core_field_offset(struct dentry, d_name) == parent + 8 &&
	    bpf_core_field_size(struct dentry, d_name) == 16) {
		bpf_probe_read_kernel(d, sizeof(*d), (char *)dentry + parent);
	} else {
		struct qstr name = BPF_CORE_READ(dentry, d_name);

		d->parent = BPF_CORE_READ(dentry, d_parent);
		d->len = name.len;
		d->name = name.name;
	}
}

static __always_inline void read_mount_up(struct mount_up *m,
					  struct mount *mnt)
{
	__u32 parent = bpf_core_field_offset(struct mount, mnt_parent);

	if (bpf_core_field_offset(struct mount, mnt_mountpoint) == parent + 8 &&
	    bpf_core_field_offset(struct mount, mnt) == parent + 16 &&
	    bpf_core_field_offset(struct vfsmount, mnt_root) == 0) {
		bpf_probe_read_kernel(m, sizeof(*m), (char *)mnt + parent);
	} else {
		m->parent = BPF_CORE_READ(mnt, mnt_parent);
		m->mountpoint = BPF_CORE_READ(mnt, mnt_mountpoint);
		m->root = BPF_CORE_READ(mnt, mnt.mnt_root);
	}
}

/* The struct mount a struct vfsmount is part of (its field mnt). */
static __always_inline struct mount *real_mount(struct vfsmount *vfsmnt)
{
	return (void *)((char *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

#endif /* PL_PATH_BPF_H */
