/* out_maps: the output table of the map engines; see out_maps.h. */
#include "out_maps.h"

static const struct out_mapfmt *const fmts[MV_ENGINE__COUNT] = {
	[MV_ENGINE_CLASSIC] = &out_gomap_fmt,
	[MV_ENGINE_SWISS] = &out_swiss_fmt,
};

void out_map_json_state(FILE *f, const struct mv_map *m, enum out_state level)
{
	fmts[m->eng->id]->json_state(f, &m->u, level);
}

void out_map_text_state(FILE *f, const struct mv_map *m, enum out_state level)
{
	fmts[m->eng->id]->text_state(f, &m->u, level);
}

void out_maps_json_memory(FILE *f, const struct mv_map *maps, uint32_t n)
{
	if (n == 0) {
		fputs("{}", f);
		return;
	}
	fmts[maps[0].eng->id]->json_memory(f, maps, n);
}

const struct out_mapfmt *out_mapfmt_of(const struct mv_world *w)
{
	return fmts[w->nmaps ? w->maps[0].eng->id : MV_ENGINE_CLASSIC];
}

static const struct out_syncfmt *const sync_fmts[MV_SYNC__COUNT] = {
	[MV_SYNC_CLASSIC] = &out_syncmap_fmt,
	[MV_SYNC_TRIE] = &out_hashtrie_fmt,
};

const struct out_syncfmt *out_syncfmt_of(const struct mv_world *w)
{
	return sync_fmts[w->sm->eng->id];
}
