/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The working directory at exec. d_path() cannot be called from tp_btf,
 * so the path is walked by hand: from task->fs->pwd up the dentries to
 * the mount's root, then across to the mountpoint in the parent mount,
 * until the process's root or the namespace's. The names are written
 * from the directory up (the loader puts them in order), each
 * NUL-terminated; a path deeper than PL_CWD_DEPTH names or longer than
 * PL_CWD_MAX bytes keeps its deepest part and is flagged as cut.
 */
#ifndef PL_CWD_BPF_H
#define PL_CWD_BPF_H

#include "common.bpf.h"

#define CWD_MASK	(PL_CWD_MAX - 1)

static __always_inline struct mount *real_mount_of(struct vfsmount *vfs)
{
	return (void *)((char *)vfs - bpf_core_field_offset(struct mount, mnt));
}

/* Returns the bytes written at dst (room: PL_CWD_MAX + PL_CWD_NAME_MAX). */
static __always_inline __u32 read_cwd(struct task_struct *task, char *dst,
				      struct cwd_walk *w)
{
	struct fs_struct *fs = BPF_CORE_READ(task, fs);
	struct dentry *dentry, *root_dentry, *parent;
	struct vfsmount *vfs, *root_vfs;
	struct mount *mnt, *mnt_parent;
	int i;

	w->pos = 0;
	w->cut = 0;
	if (!fs)
		return 0;
	dentry = BPF_CORE_READ(fs, pwd.dentry);
	vfs = BPF_CORE_READ(fs, pwd.mnt);
	root_dentry = BPF_CORE_READ(fs, root.dentry);
	root_vfs = BPF_CORE_READ(fs, root.mnt);
	mnt = real_mount_of(vfs);

	for (i = 0; i < PL_CWD_DEPTH + 8; i++) {
		const unsigned char *name;
		__u32 pos = w->pos;
		long n;

		if (dentry == root_dentry && vfs == root_vfs)
			break;
		if (dentry == BPF_CORE_READ(vfs, mnt_root)) {
			/* the top of this mount: on to where it is mounted */
			mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
			if (mnt_parent == mnt)
				break;	/* the namespace's root */
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mnt_parent;
			vfs = (void *)((char *)mnt +
				       bpf_core_field_offset(struct mount, mnt));
			continue;
		}
		parent = BPF_CORE_READ(dentry, d_parent);
		if (parent == dentry)
			break;
		if (pos >= PL_CWD_MAX || i >= PL_CWD_DEPTH) {
			w->cut = 1;
			break;
		}
		name = BPF_CORE_READ(dentry, d_name.name);
		n = bpf_probe_read_kernel_str(dst + (pos & CWD_MASK),
					      PL_CWD_NAME_MAX, name);
		if (n <= 0) {
			w->cut = 1;	/* a name we could not read */
			break;
		}
		if (n >= PL_CWD_NAME_MAX)
			w->cut = 1;
		w->pos = pos + (__u32)n;
		dentry = parent;
	}
	if (i == PL_CWD_DEPTH + 8)
		w->cut = 1;
	return w->pos & (2 * PL_CWD_MAX - 1);
}

#endif
