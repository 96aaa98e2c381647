/* race: vector-clock happens-before race detection; see race.h. */
#include "engine/world/race.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

static uint32_t *dup_u32(const uint32_t *src, size_t n)
{
	uint32_t *p = mv_xmalloc(n * sizeof *p);
	if (n)
		memcpy(p, src, n * sizeof *p);
	return p;
}

enum mv_status mv_race_init(struct mv_race *r, uint32_t nworkers, uint32_t nlocks, uint32_t nsignals,
			    uint32_t nmaps)
{
	uint32_t n = nworkers;
	r->n = n;
	r->nlocks = nlocks;
	r->nsignals = nsignals;
	r->nmaps = nmaps;
	r->vc = mv_xcalloc((size_t)n * n, sizeof *r->vc);
	for (uint32_t w = 0; w < n; w++)
		r->vc[w * n + w] = 1;
	r->lvc = mv_xcalloc((size_t)nlocks * n + 1, sizeof *r->lvc);
	r->svc = mv_xcalloc((size_t)nsignals * n + 1, sizeof *r->svc);
	r->lw = mv_xmalloc(nmaps * sizeof *r->lw);
	for (uint32_t m = 0; m < nmaps; m++)
		r->lw[m] = -1;
	r->lw_clk = mv_xcalloc(nmaps, sizeof *r->lw_clk);
	r->lw_pc = mv_xcalloc(nmaps, sizeof *r->lw_pc);
	r->rd = mv_xcalloc((size_t)nmaps * n, sizeof *r->rd);
	r->rd_pc = mv_xcalloc((size_t)nmaps * n, sizeof *r->rd_pc);
	return MV_OK;
}

void mv_race_done(struct mv_race *r)
{
	free(r->vc);
	free(r->lvc);
	free(r->svc);
	free(r->lw);
	free(r->lw_clk);
	free(r->lw_pc);
	free(r->rd);
	free(r->rd_pc);
	memset(r, 0, sizeof *r);
}

enum mv_status mv_race_copy(struct mv_race *dst, const struct mv_race *src)
{
	size_t n = src->n;
	*dst = *src;
	dst->vc = dup_u32(src->vc, n * n);
	dst->lvc = dup_u32(src->lvc, (size_t)src->nlocks * n + 1);
	dst->svc = dup_u32(src->svc, (size_t)src->nsignals * n + 1);
	dst->lw = mv_xmalloc(src->nmaps * sizeof *dst->lw + 1);
	memcpy(dst->lw, src->lw, src->nmaps * sizeof *dst->lw);
	dst->lw_clk = dup_u32(src->lw_clk, src->nmaps);
	dst->lw_pc = dup_u32(src->lw_pc, src->nmaps);
	dst->rd = dup_u32(src->rd, (size_t)src->nmaps * n);
	dst->rd_pc = dup_u32(src->rd_pc, (size_t)src->nmaps * n);
	return MV_OK;
}

/* Does w know of x's clock value c (is it ordered before w's present)? */
static inline bool known(const struct mv_race *r, uint32_t w, uint32_t x, uint32_t c)
{
	return c <= r->vc[w * r->n + x];
}

bool mv_race_access(struct mv_race *r, uint32_t m, uint32_t w, bool write, uint32_t pc,
		    struct mv_race_hit *hit)
{
	uint32_t n = r->n;
	bool raced = false;
	int32_t lw = r->lw[m];
	if (lw >= 0 && (uint32_t)lw != w && !known(r, w, (uint32_t)lw, r->lw_clk[m])) {
		*hit = (struct mv_race_hit){(uint32_t)lw, true, r->lw_pc[m]};
		raced = true;
	}
	if (write && !raced) {
		for (uint32_t x = 0; x < n; x++) {
			uint32_t c = r->rd[m * n + x];
			if (x != w && c && !known(r, w, x, c)) {
				*hit = (struct mv_race_hit){x, false, r->rd_pc[m * n + x]};
				raced = true;
				break;
			}
		}
	}
	uint32_t now = r->vc[w * n + w];
	if (write) {
		r->lw[m] = (int32_t)w;
		r->lw_clk[m] = now;
		r->lw_pc[m] = pc;
		memset(&r->rd[m * n], 0, n * sizeof *r->rd);
	} else {
		r->rd[m * n + w] = now;
		r->rd_pc[m * n + w] = pc;
	}
	return raced;
}

static void join(uint32_t *dst, const uint32_t *src, uint32_t n)
{
	for (uint32_t x = 0; x < n; x++)
		if (src[x] > dst[x])
			dst[x] = src[x];
}

static void publish(struct mv_race *r, uint32_t *clock, uint32_t w)
{
	join(clock, &r->vc[w * r->n], r->n);
	r->vc[w * r->n + w]++;
}

void mv_race_release(struct mv_race *r, uint32_t w, uint32_t lock)
{
	if (lock < r->nlocks)
		publish(r, &r->lvc[lock * r->n], w);
}

void mv_race_acquire(struct mv_race *r, uint32_t w, uint32_t lock)
{
	if (lock < r->nlocks)
		join(&r->vc[w * r->n], &r->lvc[lock * r->n], r->n);
}

void mv_race_close(struct mv_race *r, uint32_t w, uint32_t signal)
{
	if (signal < r->nsignals)
		publish(r, &r->svc[signal * r->n], w);
}

void mv_race_receive(struct mv_race *r, uint32_t w, uint32_t signal)
{
	if (signal < r->nsignals)
		join(&r->vc[w * r->n], &r->svc[signal * r->n], r->n);
}
