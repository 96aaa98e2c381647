/* event: the names and field lists of event kinds, from MV_EVENT_MAP. */
#include "engine/core/event.h"

#include <string.h>

static const char *const event_names[] = {
#define MV_EVENT_NAME(name, json, fields) json,
	MV_EVENT_MAP(MV_EVENT_NAME)
#undef MV_EVENT_NAME
};

static const char *const event_fields[] = {
#define MV_EVENT_FIELDS(name, json, fields) fields,
	MV_EVENT_MAP(MV_EVENT_FIELDS)
#undef MV_EVENT_FIELDS
};

const char *mv_event_name(enum mv_event_kind k)
{
	return (unsigned)k < MV_EV__COUNT ? event_names[k] : NULL;
}

const char *mv_event_fields(enum mv_event_kind k)
{
	return (unsigned)k < MV_EV__COUNT ? event_fields[k] : "";
}

int mv_event_lookup(const char *name)
{
	for (int i = 0; i < MV_EV__COUNT; i++)
		if (strcmp(event_names[i], name) == 0)
			return i;
	return -1;
}
