/*
 * The map-engine table: one row per engine, indexed by enum mv_engine_id,
 * and which engine models which Go release.
 */
#include "engine/world/maps.h"

extern const struct mv_mapeng mv_classic_engine, mv_swiss_engine;

static const struct mv_mapeng *const engines[MV_ENGINE__COUNT] = {
	[MV_ENGINE_CLASSIC] = &mv_classic_engine,
	[MV_ENGINE_SWISS] = &mv_swiss_engine,
};

extern const struct mv_synceng mv_syncmap_engine, mv_hashtrie_engine;

static const struct mv_synceng *const sync_engines[MV_SYNC__COUNT] = {
	[MV_SYNC_CLASSIC] = &mv_syncmap_engine,
	[MV_SYNC_TRIE] = &mv_hashtrie_engine,
};

const struct mv_synceng *mv_synceng_for(enum mv_go go)
{
	for (unsigned i = 0; i < MV_SYNC__COUNT; i++)
		if (sync_engines[i] && sync_engines[i]->go == go)
			return sync_engines[i];
	return NULL;
}

static const char *const mout_messages[] = {
#define MOUT_MSG(name, str) str,
	MV_MOUT_MAP(MOUT_MSG)
#undef MOUT_MSG
};

const char *mv_mout_message(enum mv_mout o)
{
	return (unsigned)o < sizeof mout_messages / sizeof mout_messages[0] ? mout_messages[o] : "?";
}

const struct mv_mapeng *mv_mapeng_by_id(enum mv_engine_id id)
{
	return (unsigned)id < MV_ENGINE__COUNT ? engines[id] : NULL;
}

const struct mv_mapeng *mv_mapeng_for(enum mv_go go)
{
	for (unsigned i = 0; i < MV_ENGINE__COUNT; i++)
		if (engines[i] && engines[i]->go == go)
			return engines[i];
	return NULL;
}
