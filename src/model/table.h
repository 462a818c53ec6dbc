/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timeline's own bookkeeping, shared by the files of src/model/ that
 * build it and by nothing else: the table (table.c: processes, the live
 * pid and tid hashes, the tree), threads (threads.c), the lifecycle facts
 * (facts.c: the one place each fact of a process's life is decided),
 * seeds (seeds.c) and the event handlers (events.c).
 */
#ifndef PL_MODEL_TABLE_H
#define PL_MODEL_TABLE_H

#include "model/pidhash.h"
#include "model/timeline.h"

struct timeline {
	bool keep_finished;
	bool prune_untraced;
	bool prune_ancestors;
	bool select_by_where;	/* --cgroup, --container: a move selects */
	bool seeds_linked;	/* parents of seeded processes resolved */
	bool finished;
	struct pidhash procs;	/* live process by pid */
	struct pidhash threads;	/* live thread by tid */
	struct tl_process *all_head;	/* every process in memory */
	struct tl_process *all_tail;
	struct tl_process **sorted;	/* after finish: by (start_ns, pid) */
	size_t nsorted;
	uint64_t end_ns;
	struct tl_stats st;
};


/* table.c */
void tl_set_comm(char *dst, const char *src);
void tl_maybe_free(struct timeline *tl, struct tl_process *p);
struct tl_process *tl_new_proc(struct timeline *tl,
			       const struct pl_header *h);
void tl_link_parent(struct timeline *tl, struct tl_process *p);
void tl_retire(struct timeline *tl, struct tl_process *p, uint64_t ts);
struct tl_process *tl_get_proc(struct timeline *tl,
			       const struct pl_header *h);
struct tl_reparent *tl_add_reparent(struct timeline *tl,
				    struct tl_process *p, uint64_t ts,
				    uint32_t ppid, uint32_t reason);
void tl_note_header(struct timeline *tl, struct tl_process *p,
		    const struct pl_header *h);

/* threads.c */
void tl_end_thread(struct timeline *tl, struct tl_thread *t, uint64_t ts,
		   bool inferred, bool gap);
void tl_end_threads(struct timeline *tl, struct tl_process *p,
		    const struct tl_thread *keep, uint64_t ts, bool gap);
struct tl_thread *tl_add_thread(struct timeline *tl, struct tl_process *p,
				uint32_t tid, uint64_t start_ns,
				const char *comm);
struct tl_thread *tl_find_thread(struct timeline *tl, struct tl_process *p,
				 uint32_t tid);
struct tl_thread *tl_ended_thread(struct tl_process *p, uint32_t tid,
				  bool inferred);
void tl_end_remaining_threads(struct timeline *tl, struct tl_process *p,
			      uint64_t ts);
void tl_set_sched(struct timeline *tl, struct tl_sched **dst,
		  const struct pl_sched *src);
void tl_sum_process_sched(struct timeline *tl, struct tl_process *p);

/* facts.c */
void tl_set_reaped(struct tl_process *p, uint64_t ts, uint8_t how,
		   uint32_t reaper);
uint8_t tl_birth_of(const struct pl_fork *f);
void tl_set_birth(struct tl_process *p, const struct pl_fork *f);
void tl_set_exited(struct tl_process *p, uint64_t ts, uint32_t status,
		   const struct pl_rusage *ru);
void tl_set_reaper_status(struct tl_process *p, uint32_t status);
void tl_note_exit_unseen(struct tl_process *p);
uint8_t tl_reap_how_of(const struct pl_reap *rp);

void tl_set_where(struct tl_process *p, const struct pl_where *w);

/* seeds.c */
void tl_link_seeds(struct timeline *tl);

#endif
