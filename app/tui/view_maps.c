/* view_maps: the TUI's tables of map and sync.Map engine views; see tui_int.h. */
#include "tui_int.h"

static const struct tui_mapview *const views[MV_ENGINE__COUNT] = {
	[MV_ENGINE_CLASSIC] = &tui_gomap_mapview,
	[MV_ENGINE_SWISS] = &tui_swiss_mapview,
};

static const struct tui_mapview *const sync_views[MV_SYNC__COUNT] = {
	[MV_SYNC_CLASSIC] = &tui_syncmap_mapview,
	[MV_SYNC_TRIE] = &tui_hashtrie_mapview,
};

const struct tui_mapview *tui_mapview_of(const struct tui *t)
{
	const struct mv_world *w = &t->tl.w;
	if (w->sm)
		return sync_views[w->sm->eng->id];
	const struct mv_mapeng *eng = w->nmaps ? w->maps[0].eng : mv_mapeng_for(t->sc.spec.map.go);
	return views[eng ? eng->id : MV_ENGINE_CLASSIC];
}
