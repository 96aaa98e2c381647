/* view_maps: the TUI's table of map-engine views; see tui_int.h. */
#include "tui_int.h"

static const struct tui_mapview *const views[MV_ENGINE__COUNT] = {
	[MV_ENGINE_CLASSIC] = &tui_gomap_mapview,
	[MV_ENGINE_SWISS] = &tui_swiss_mapview,
};

const struct tui_mapview *tui_mapview_of(const struct tui *t)
{
	const struct mv_world *w = &t->tl.w;
	const struct mv_mapeng *eng = w->nmaps ? w->maps[0].eng : mv_mapeng_for(t->sc.spec.map.go);
	return views[eng ? eng->id : MV_ENGINE_CLASSIC];
}
