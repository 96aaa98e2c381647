/*
 * export_html_assets: what `mapviz export -o F.html` inlines into its page —
 * the asciinema web player's script and style (the version pinned in
 * web/package-lock.json) and the page's own (web/page.js, web/page.css).
 * The definitions are generated at build time by web/gen_assets.js into
 * build/player_assets.c.  Each text is UTF-8 and NUL-terminated; _len is
 * its length without the NUL.
 */
#ifndef MV_EXPORT_HTML_ASSETS_H
#define MV_EXPORT_HTML_ASSETS_H

#include <stddef.h>

extern const char mv_player_version[];
extern const char mv_player_js[];
extern const size_t mv_player_js_len;
extern const char mv_player_css[];
extern const size_t mv_player_css_len;
extern const char mv_page_js[];
extern const size_t mv_page_js_len;
extern const char mv_page_css[];
extern const size_t mv_page_css_len;

#endif
