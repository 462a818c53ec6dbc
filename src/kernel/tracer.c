// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "proclife.skel.h"
#include "util/timefmt.h"
#include "kernel/tracer.h"
#include "model/selection.h"

static int verbosity;

/* libbpf stays quiet unless -v: its warnings are ours to explain. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (level == LIBBPF_DEBUG && verbosity < 2)
		return 0;
	if (!verbosity)
		return 0;
	return vfprintf(stderr, fmt, args);
}

void tracer_set_verbosity(int level)
{
	verbosity = level;
	libbpf_set_print(print_libbpf);
}

static void explain_load_error(int err)
{
	/* as root, EACCES is the verifier saying no, not a privilege */
	if (err == -EACCES && geteuid() == 0) {
		fprintf(stderr, "proclife: the kernel's verifier rejected a BPF program (run with -v for its log)\n");
		return;
	}
	switch (-err) {
	case EPERM:
	case EACCES:
		fprintf(stderr, "proclife: not allowed to load BPF programs: run as root (CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)\n");
		break;
	case ENOENT:
	case ESRCH:
		fprintf(stderr, "proclife: this kernel lacks a type or tracepoint proclife needs (run with -v for details)\n");
		break;
	default:
		fprintf(stderr, "proclife: cannot load BPF programs: %s (run with -v for details)\n",
			strerror(-err));
	}
}

/* Arguments of a raw tracepoint in the kernel's BTF, the context included;
 * 0 when unknown. sched_switch gained prev_state in 5.18 (5 with it),
 * sched_process_exit gained group_dead in 6.15 (3 with it). */
static int tracepoint_args(const struct btf *btf, const char *name)
{
	const struct btf_type *t;
	char typedef_name[128];
	int id;

	if (!btf)
		return 0;
	snprintf(typedef_name, sizeof(typedef_name), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, typedef_name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return 0;
	t = btf__type_by_id(btf, id);			/* typedef */
	t = t ? btf__type_by_id(btf, t->type) : NULL;	/* pointer */
	t = t ? btf__type_by_id(btf, t->type) : NULL;	/* func proto */
	return t && btf_is_func_proto(t) ? btf_vlen(t) : 0;
}

/* Whether a struct in the kernel's BTF has a member of that name. */
static bool has_member(const struct btf *btf, const char *type,
		       const char *member)
{
	const struct btf_member *m;
	const struct btf_type *t;
	int id;

	id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	if (!t)
		return false;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return true;
	return false;
}

/* Set what depends on the kernel's version (btf: its types, NULL when
 * unknown); false when scheduler accounting cannot work here: it reads
 * the kernel's sched_info (CONFIG_SCHED_INFO) and finds the run queue
 * through the task's group run queue (CONFIG_FAIR_GROUP_SCHED). */
static bool set_kernel_shape(struct proclife_bpf *skel, const struct btf *btf)
{
	bool can_account;

	skel->rodata->switch_has_prev_state =
		tracepoint_args(btf, "sched_switch") >= 5;
	skel->rodata->exit_has_group_dead =
		tracepoint_args(btf, "sched_process_exit") >= 3;
	can_account = btf && has_member(btf, "task_struct", "sched_info") &&
		      has_member(btf, "sched_entity", "cfs_rq") &&
		      has_member(btf, "cfs_rq", "rq");
	return can_account;
}

/* One job's program: the task-storage variant or the hash-by-tid one,
 * loaded only when the job is on. */
static void pick_variant(struct bpf_program *storage_prog,
			 struct bpf_program *hash_prog, bool storage, bool on)
{
	bpf_program__set_autoload(storage_prog, on && storage);
	bpf_program__set_autoload(hash_prog, on && !storage);
}

/*
 * Scheduler accounting keeps per-task state in task storage (5.11+) or,
 * on older kernels, a hash by tid: load the programs of one of them.
 * Exit and free always run (they close each task's record); switches and
 * the end-of-trace dump only for accounting; wakeups only for --states.
 */
static void choose_sched_variant(struct proclife_bpf *skel,
				 const struct pl_options *o, bool can_account)
{
	typeof(skel->progs) *p = &skel->progs;
	bool storage = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE,
						 NULL) == 1;
	bool account = !o->no_sched && can_account;
	bool states = account && o->states;

	skel->rodata->account_sched = account;
	skel->rodata->task_storage = storage;
	pick_variant(p->handle_exit_ts, p->handle_exit_hash, storage, true);
	pick_variant(p->handle_free_ts, p->handle_free_hash, storage, true);
	pick_variant(p->handle_switch_ts, p->handle_switch_hash, storage,
		     account);
	pick_variant(p->dump_sched_ts, p->dump_sched_hash, storage, account);
	pick_variant(p->handle_wakeup_ts, p->handle_wakeup_hash, storage,
		     states);
	pick_variant(p->handle_wakeup_new_ts, p->handle_wakeup_new_hash,
		     storage, states);
	if (storage)
		bpf_map__set_max_entries(skel->maps.sched_by_tid, 1);
	else
		bpf_map__set_autocreate(skel->maps.sched_storage, false);
	if (verbosity)
		fprintf(stderr, "proclife: per-task state in %s; scheduler accounting %s, state changes %s; sched_switch %s prev_state, sched_process_exit %s group_dead\n",
			storage ? "task storage" : "a hash by tid",
			account ? "on" : "off", states ? "on" : "off",
			skel->rodata->switch_has_prev_state ? "with" : "without",
			skel->rodata->exit_has_group_dead ? "with" : "without");
}

/* The syscall wrappers fentry.bpf.c hooks (built for the same arch). */
#if defined(__x86_64__)
#define SYSCALL_PREFIX "__x64_sys_"
#elif defined(__aarch64__)
#define SYSCALL_PREFIX "__arm64_sys_"
#endif
#ifdef SYSCALL_PREFIX
#define SYSCALL_PREFIX_OR_EMPTY SYSCALL_PREFIX
#else
#define SYSCALL_PREFIX_OR_EMPTY ""
#endif

/* Can a tracing program of this kind attach to func? Loads and attaches an
 * empty one: the kernel may have the function in its BTF and still refuse
 * (no trampolines, lockdown, a function that cannot be traced). */
static int probe_tracing(const struct btf *btf, const char *func,
			 enum bpf_attach_type kind)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = kind);
	int id, fd, link, err = 0;

	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (id <= 0)
		return -ENOENT;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "pl_probe", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), &opts);
	if (fd < 0)
		return -errno;
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0)
		err = -errno;
	else
		close(link);
	close(fd);
	return err;
}

/* Whether the fentry variant can run here (btf: the kernel's types);
 * 0 or -errno, *what the function that failed. */
static int fentry_possible(const struct pl_options *o, const struct btf *btf,
			   const char **what)
{
#ifdef SYSCALL_PREFIX
	static const char *const funcs[] = {
		"release_task", SYSCALL_PREFIX "execve", SYSCALL_PREFIX "execveat",
	};
	int err = 0;

	*what = "kernel BTF";
	if (o->btf_path || !btf)
		return -ENOENT;	/* fentry needs the kernel's own BTF */
	/* the reap is probed for real; the syscalls must be in BTF */
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]) && !err; i++) {
		*what = funcs[i];
		if (btf__find_by_name_kind(btf, funcs[i], BTF_KIND_FUNC) <= 0)
			err = -ENOENT;
	}
	if (!err) {
		*what = funcs[0];
		err = probe_tracing(btf, funcs[0], BPF_TRACE_FENTRY);
	}
	return err;
#else
	*what = "this architecture";
	return -EOPNOTSUPP;
#endif
}

/* Load the fentry programs or the syscall tracepoint programs they
 * replace, never both. */
static void choose_hooks(struct proclife_bpf *skel, bool fentry)
{
	struct bpf_program *fentry_progs[] = {
		skel->progs.handle_release, skel->progs.handle_execve_entry,
		skel->progs.handle_execve_ret, skel->progs.handle_execveat_entry,
		skel->progs.handle_execveat_ret,
	};
	struct bpf_program *tp_progs[] = {
		skel->progs.handle_exit_wait4, skel->progs.handle_enter_waitid,
		skel->progs.handle_exit_waitid, skel->progs.handle_enter_execve,
		skel->progs.handle_enter_execveat,
		skel->progs.handle_exit_execve, skel->progs.handle_exit_execveat,
	};

	for (size_t i = 0; i < sizeof(fentry_progs) / sizeof(fentry_progs[0]); i++)
		bpf_program__set_autoload(fentry_progs[i], fentry);
	for (size_t i = 0; i < sizeof(tp_progs) / sizeof(tp_progs[0]); i++)
		bpf_program__set_autoload(tp_progs[i], !fentry);
	skel->rodata->hooks_fentry = fentry;
}

static void set_rodata(struct proclife_bpf *skel, const struct pl_options *o)
{
	struct selection_rule r;

	selection_rule(o, &r);
	skel->rodata->filter_pids = r.pids;
	skel->rodata->filter_comm = r.comm;
	skel->rodata->filter_uid = r.uid;
	skel->rodata->nr_target_uids = o->nr_uids;
	memcpy((void *)skel->rodata->target_uids, o->uids, sizeof(o->uids));
	skel->rodata->nr_target_comms = o->nr_comms;
	memcpy((void *)skel->rodata->target_comms, o->comms, sizeof(o->comms));
	skel->rodata->filter_active = r.active;
	skel->rodata->cgroup_v1_hier = o->cgroup_v1_hier;
	skel->rodata->filter_cgroup = o->cgroup_filter;
	skel->rodata->match_container = o->container != NULL;
	skel->rodata->target_container_len = strlen(o->container_target);
	memcpy((char *)skel->rodata->target_container, o->container_target,
	       PL_CONTAINER_ID_MAX);
	skel->rodata->filter_pidns = o->pidns >= 0;
	skel->rodata->target_pidns = o->pidns >= 0 ? (uint32_t)o->pidns : 0;
	skel->rodata->trace_kthreads = r.kthreads;
	skel->rodata->argv_limit = o->argv_bytes;
	skel->rodata->wakeup_bytes = o->ringbuf_size / 4;
	skel->rodata->emit_states = o->states;
}

int tracer_tracefs_events(tracer_name_fn fn, void *ctx)
{
	struct proclife_bpf *skel = proclife_bpf__open();
	struct bpf_program *prog;
	int err = 0;

	if (!skel)
		return -errno;
	bpf_object__for_each_program(prog, skel->obj) {
		const char *sec = bpf_program__section_name(prog);
		const char *event = NULL;

		if (!strncmp(sec, "tracepoint/", 11))
			event = sec + 11;
		else if (!strncmp(sec, "tp/", 3))
			event = sec + 3;
		if (event && bpf_program__autoload(prog)) {
			err = fn(ctx, event);
			if (err)
				break;
		}
	}
	proclife_bpf__destroy(skel);
	return err;
}

/* Open, configure, load and attach one variant. report: say what failed
 * (off for a try that has a fallback). */
static int load_variant(struct tracer *t, const struct pl_options *o,
			const struct btf *btf, bool fentry, bool report)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts,
		    .btf_custom_path = o->btf_path);
	struct proclife_bpf *skel;
	bool can_account;
	int err;

	skel = proclife_bpf__open_opts(&open_opts);
	if (!skel) {
		err = -errno;
		fprintf(stderr, "proclife: cannot open the BPF object: %s\n",
			strerror(-err));
		return err;
	}
	t->skel = skel;
	set_rodata(skel, o);
	can_account = set_kernel_shape(skel, btf);
	if (!can_account && !o->no_sched && report)
		fprintf(stderr, "proclife: warning: this kernel lacks CONFIG_SCHED_INFO or CONFIG_FAIR_GROUP_SCHED: no scheduler accounting\n");
	choose_sched_variant(skel, o, can_account);
	choose_hooks(skel, fentry);
	/* setuid only matters to -u; every attached program costs a detach */
	bpf_program__set_autoload(skel->progs.handle_exit_setuid, o->nr_uids > 0);
	bpf_program__set_autoload(skel->progs.handle_exit_setreuid, o->nr_uids > 0);
	bpf_program__set_autoload(skel->progs.handle_exit_setresuid, o->nr_uids > 0);
	bpf_map__set_max_entries(skel->maps.events, o->ringbuf_size);
	bpf_map__set_max_entries(skel->maps.scratch, t->ncpus);
	bpf_map__set_max_entries(skel->maps.zombies, o->max_procs);
	bpf_map__set_max_entries(skel->maps.zombie_alias, o->max_procs);
	bpf_map__set_max_entries(skel->maps.moved, o->max_procs);
	/* the selection map is only used while filters are on */
	bpf_map__set_max_entries(skel->maps.tracked,
				 skel->rodata->filter_active ? o->max_procs : 1);
	if (!o->cgroup_filter)
		bpf_map__set_max_entries(skel->maps.cgroup_filter, 1);

	err = proclife_bpf__load(skel);
	if (err) {
		if (report)
			explain_load_error(err);
		return err;
	}
	/* the iterators run when the loader reads them (run_iter) */
	bpf_program__set_autoattach(skel->progs.seed_tasks, false);
	bpf_program__set_autoattach(skel->progs.zombies_at_end, false);
	bpf_program__set_autoattach(skel->progs.dump_sched_ts, false);
	bpf_program__set_autoattach(skel->progs.dump_sched_hash, false);
	/* tasks started from now on are seen whole */
	skel->bss->trace_start_ns = pl_now_boot_ns();
	err = proclife_bpf__attach(skel);
	if (err && report)
		fprintf(stderr, "proclife: cannot attach to the kernel's tracepoints: %s (is tracefs mounted at /sys/kernel/tracing? run with -v for details)\n",
			strerror(-err));
	return err;
}

static void say_hooks(const struct tracer *t)
{
	if (t->fentry)
		fprintf(stderr, "proclife: hooks: fentry (release_task, fentry and fexit of %sexecve and %sexecveat)\n",
			SYSCALL_PREFIX_OR_EMPTY, SYSCALL_PREFIX_OR_EMPTY);
	else
		fprintf(stderr, "proclife: hooks: tracepoint (syscalls: wait4, waitid, execve, execveat)\n");
}

/* The kernel's types (--btf's), parsed once for every question the
 * loader asks before libbpf parses them again to load: NULL when
 * unreadable. */
static struct btf *kernel_btf(const struct pl_options *o)
{
	struct btf *btf = o->btf_path ? btf__parse(o->btf_path, NULL) :
					btf__load_vmlinux_btf();

	return libbpf_get_error(btf) ? NULL : btf;
}

int tracer_open(struct tracer *t, const struct pl_options *o,
		tracer_record_fn on_record, void *ctx)
{
	const char *what = NULL;
	bool fentry = false;
	struct btf *btf;
	int err;

	memset(t, 0, sizeof(*t));
	t->epoll_fd = -1;
	tracer_set_verbosity(o->verbose);

	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		fprintf(stderr, "proclife: cannot count CPUs\n");
		return -EINVAL;
	}
	t->percpu = calloc(t->ncpus, sizeof(*t->percpu));
	if (!t->percpu)
		return -ENOMEM;

	btf = kernel_btf(o);
	if (o->hooks != PL_HOOKS_TRACEPOINT) {
		err = fentry_possible(o, btf, &what);
		fentry = !err;
		if (err && o->hooks == PL_HOOKS_FENTRY) {
			fprintf(stderr, "proclife: --hooks fentry: this kernel does not allow it (%s: %s)\n",
				what, strerror(-err));
			btf__free(btf);
			return err;
		}
		if (err && o->verbose)
			fprintf(stderr, "proclife: no fentry here (%s: %s)\n",
				what, strerror(-err));
	}
	err = load_variant(t, o, btf, fentry,
			   !(fentry && o->hooks == PL_HOOKS_AUTO));
	if (err && fentry && o->hooks == PL_HOOKS_AUTO) {
		/* the probe attached, the real programs did not: fall back */
		if (o->verbose)
			fprintf(stderr, "proclife: the fentry programs failed (%s), using the tracepoints\n",
				strerror(-err));
		proclife_bpf__destroy(t->skel);
		t->skel = NULL;
		fentry = false;
		err = load_variant(t, o, btf, false, true);
	}
	btf__free(btf);
	if (err)
		return err;
	t->fentry = fentry;
	if (o->verbose)
		say_hooks(t);
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_record,
				 ctx, NULL);
	if (!t->rb) {
		err = -errno;
		fprintf(stderr, "proclife: cannot map the ring buffer: %s\n",
			strerror(-err));
		return err;
	}
	t->epoll_fd = ring_buffer__epoll_fd(t->rb);
	return 0;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/*
 * Detach every program at once. Closing a link can wait for RCU grace
 * periods in the kernel (a perf-event-based tracepoint: some 35 - 90 ms
 * each), and one after the other these add up: each link is destroyed in
 * its own thread, so that the waits overlap. A link whose thread cannot
 * start is destroyed here (and the skeleton destroys the rest when there
 * is no memory for the threads).
 */
static void destroy_links(struct bpf_object_skeleton *s)
{
	pthread_t *threads = calloc(s->prog_cnt, sizeof(*threads));
	bool *started = calloc(s->prog_cnt, sizeof(*started));

	for (int i = 0; threads && started && i < s->prog_cnt; i++) {
		struct bpf_link **link = s->progs[i].link;

		if (!link || !*link)
			continue;
		started[i] = !pthread_create(&threads[i], NULL, destroy_link,
					     *link);
		if (!started[i])
			bpf_link__destroy(*link);
		*link = NULL;
	}
	for (int i = 0; threads && started && i < s->prog_cnt; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
	free(threads);
	free(started);
}

void tracer_close(struct tracer *t)
{
	ring_buffer__free(t->rb);
	if (t->skel && t->skel->skeleton)
		destroy_links(t->skel->skeleton);
	proclife_bpf__destroy(t->skel);
	free(t->percpu);
	memset(t, 0, sizeof(*t));
	t->epoll_fd = -1;
}

/* Run a task iterator whose records are all rec_size bytes, each handed
 * to on_record; with on_record NULL, one that writes nothing, run for
 * what it does to maps. */
static int run_iter(struct bpf_program *prog, size_t rec_size,
		    tracer_record_fn on_record, void *ctx)
{
	struct bpf_link *link;
	char rec[256];
	size_t have = 0;
	int fd, err = 0;
	ssize_t n;

	if (!rec_size || rec_size > sizeof(rec))
		return -EINVAL;
	link = bpf_program__attach_iter(prog, NULL);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		goto cleanup;
	}
	/* fixed-size records; a read may end mid-record */
	for (;;) {
		n = read(fd, rec + have, rec_size - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		have += n;
		if (have == rec_size) {
			err = on_record ? on_record(ctx, rec, rec_size) : 0;
			if (err)
				break;
			have = 0;
		}
	}
	close(fd);
cleanup:
	bpf_link__destroy(link);
	return err;
}

int tracer_seed(struct tracer *t, tracer_record_fn on_record, void *ctx)
{
	return run_iter(t->skel->progs.seed_tasks, sizeof(struct pl_seed),
			on_record, ctx);
}

int tracer_sched_end(struct tracer *t, tracer_record_fn on_record, void *ctx)
{
	struct bpf_program *prog = t->skel->progs.dump_sched_ts;

	if (!bpf_program__autoload(prog))
		prog = t->skel->progs.dump_sched_hash;
	if (!bpf_program__autoload(prog))
		return 0;	/* --no-sched */
	return run_iter(prog, sizeof(struct pl_sched_end), on_record, ctx);
}

int tracer_track(struct tracer *t, uint32_t tgid, uint8_t bits,
		 uint64_t start_ns)
{
	struct pl_track val = { .start_ns = start_ns, .bits = bits };

	if (bpf_map__update_elem(t->skel->maps.tracked, &tgid, sizeof(tgid),
				 &val, sizeof(val), BPF_ANY))
		return -errno;
	return 0;
}

/* A reap record for a zombie the kernel released with no record we saw
 * before the end (its free, an RCU grace period later, was still to
 * come): its parent at release reaped it, at a time bounded by now. */
static void bounded_reap(struct pl_reap *r, uint32_t pid,
			 const struct pl_zombie *z, uint64_t now)
{
	memset(r, 0, sizeof(*r));
	r->h.ts_ns = now;
	r->h.start_ns = z->start_ns;
	r->h.type = PL_EV_REAP;
	r->h.size = sizeof(*r);
	r->h.pid = pid;
	r->h.tid = pid;
	r->h.ppid = z->ppid;
	r->h.uid = z->uid;
	memcpy(r->h.comm, z->comm, PL_COMM_LEN);
	r->exit_ns = z->exit_ns;
	r->reaper_pid = z->ppid;
	r->how = pl_reap_how_after(z->reparent);
	r->status = z->status;
	r->flags = PL_REAP_STATUS | (z->exit_ns ? PL_REAP_EXIT_KNOWN : 0);
}

int tracer_zombies_left(struct tracer *t, uint64_t end_ns,
			tracer_record_fn on_record, void *ctx)
{
	struct bpf_map *map = t->skel->maps.zombies;
	uint32_t key, next, *prev = NULL;
	struct pl_zombie z;
	struct pl_reap r;
	int err;

	/* marks every recorded zombie that still is one */
	err = run_iter(t->skel->progs.zombies_at_end, 1, NULL, NULL);
	if (err)
		return err;
	while (!bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(map, &key, sizeof(key), &z, sizeof(z), 0))
			continue;
		/* still a zombie, or newer than the look */
		if (z.seen_at_end || z.exit_ns >= end_ns)
			continue;
		/* the kernel side may take it at its free meanwhile: once */
		if (bpf_map__delete_elem(map, &key, sizeof(key), 0))
			continue;
		bounded_reap(&r, key, &z, end_ns);
		on_record(ctx, &r, sizeof(r));
	}
	return 0;
}

int tracer_add_cgroup_filter(struct tracer *t, uint32_t hier, uint64_t id)
{
	struct {
		uint64_t id;
		uint32_t hier;
		uint32_t pad;
	} key = { .id = id, .hier = hier };
	uint8_t one = 1;

	if (bpf_map__update_elem(t->skel->maps.cgroup_filter, &key,
				 sizeof(key), &one, sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

void tracer_untrack(struct tracer *t, uint32_t tgid)
{
	bpf_map__delete_elem(t->skel->maps.tracked, &tgid, sizeof(tgid), 0);
}

int tracer_wait(struct tracer *t, int timeout_ms, const sigset_t *sigmask)
{
	struct epoll_event ev;

	if (epoll_pwait(t->epoll_fd, &ev, 1, timeout_ms, sigmask) < 0 &&
	    errno != EINTR)
		return -errno;
	return 0;
}

int tracer_consume(struct tracer *t)
{
	int n = ring_buffer__consume(t->rb);

	return n == -EINTR ? 0 : n;
}

/*
 * The per-CPU slots cost one bpf() call each to read: read them only when
 * the programs' lost_generation moved, and once more on the next call (a
 * count stored on another CPU just before the generation may become
 * visible a little after it, on weakly ordered CPUs), and always when
 * all is set (the end of the trace).
 */
uint64_t tracer_lost(struct tracer *t, struct pl_lost *out, bool all)
{
	uint64_t gen = __atomic_load_n(&t->skel->bss->lost_generation,
				       __ATOMIC_ACQUIRE);
	uint64_t total = 0;

	memset(out, 0, sizeof(*out));
	if (gen != t->lost_generation_seen) {
		t->lost_generation_seen = gen;
		t->lost_recheck = true;
	} else if (t->lost_recheck) {
		t->lost_recheck = false;
	} else if (!all) {
		return 0;
	}
	for (uint32_t type = 0; type < PL_LOST_SLOTS; type++) {
		uint64_t sum = 0;

		if (bpf_map__lookup_elem(t->skel->maps.lost, &type, sizeof(type),
					 t->percpu,
					 sizeof(*t->percpu) * t->ncpus, 0))
			continue;
		for (int cpu = 0; cpu < t->ncpus; cpu++)
			sum += t->percpu[cpu];
		if (sum > t->lost_seen[type]) {
			out->by_type[type] = sum - t->lost_seen[type];
			total += out->by_type[type];
			t->lost_seen[type] = sum;
		}
	}
	out->count = total;
	return total;
}
