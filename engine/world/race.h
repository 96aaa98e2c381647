/*
 * race: a happens-before data-race detector over the model, in the manner
 * of Go's race detector (ThreadSanitizer): a vector clock per worker; lock
 * releases and channel closes publish the releaser's clock, acquires and
 * receives join it.  Each map (or shard) remembers its last write and each
 * worker's last read; an access not ordered after a conflicting one is a
 * race, whether or not the runtime's hashWriting check ever sees it (a read
 * overlapping a write is never caught by it, M9.9).
 * Plain data, copied with the world.
 */
#ifndef MV_RACE_H
#define MV_RACE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/core/status.h"

struct mv_race {
	uint32_t n, nlocks, nsignals, nmaps;
	uint32_t *vc;     /* n x n: vc[w*n + x] = what w knows of x's clock */
	uint32_t *lvc;    /* nlocks x n */
	uint32_t *svc;    /* nsignals x n */
	int32_t *lw;      /* nmaps: last writer, -1 none */
	uint32_t *lw_clk; /* nmaps: its clock then */
	uint32_t *lw_pc;  /* nmaps: the instruction of that write */
	uint32_t *rd;     /* nmaps x n: clock of each worker's last read, 0 none */
	uint32_t *rd_pc;  /* nmaps x n: the instruction of that read */
};

/* What an access raced with. */
struct mv_race_hit {
	uint32_t other;      /* the other worker */
	bool other_write;
	uint32_t other_pc;   /* its instruction */
};

enum mv_status mv_race_init(struct mv_race *r, uint32_t nworkers, uint32_t nlocks, uint32_t nsignals,
			    uint32_t nmaps);
void mv_race_done(struct mv_race *r);
enum mv_status mv_race_copy(struct mv_race *dst, const struct mv_race *src);
/* Worker w accesses map m (a write or a read) at instruction pc.  Returns
 * true and fills *hit when it races with an earlier access. */
bool mv_race_access(struct mv_race *r, uint32_t m, uint32_t w, bool write, uint32_t pc,
		    struct mv_race_hit *hit);
void mv_race_release(struct mv_race *r, uint32_t w, uint32_t lock);
void mv_race_acquire(struct mv_race *r, uint32_t w, uint32_t lock);
void mv_race_close(struct mv_race *r, uint32_t w, uint32_t signal);
void mv_race_receive(struct mv_race *r, uint32_t w, uint32_t signal);

#endif
