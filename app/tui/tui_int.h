/*
 * tui_int: the TUI's state and its views, shared by the files of app/tui/:
 * the life of a run (tui_main.c, tui_scene.c, keys.c, loop.c, picker.c,
 * dump.c, script.c, rec.c, bench_tui.c) and drawing (views.c and its
 * view_*.c).  No curses here: views draw into the canvas.
 *
 * A view is a small vtable (tig's view_ops, htop's HandlerResult): draw
 * into a rectangle, handle a key and say whether it was handled and
 * whether the screen must be redrawn.  The panels a person can focus
 * with Tab are views; so is each kind of map (gomap, sharded; sync.Map
 * comes as one more `struct tui_view_ops`).
 */
#ifndef MV_TUI_INT_H
#define MV_TUI_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "../scene.h"
#include "engine/explore/explore.h"
#include "canvas.h"
#include "golines.h"
#include "keys.h"
#include "theme.h"
#include "timeline.h"
#include "tui.h"

/* What a key handler did. */
enum {
	TUI_UNHANDLED = 0,
	TUI_HANDLED = 1,
	TUI_REDRAW = 2,
};

struct tui;
struct tui_loop;
struct tui_term;
struct tui_view;

struct tui_view_ops {
	const char *name; /* the panel's title */
	void (*draw)(struct tui *t, struct tui_view *v, struct tui_rect r);
	int (*key)(struct tui *t, struct tui_view *v, enum tui_action a);
};

struct tui_view {
	const struct tui_view_ops *ops;
	struct tui_rect r; /* where it was drawn last */
	int sel;           /* selected item */
	int scroll;        /* first item shown */
	int page;          /* items per page at the last draw */
	int nitems;        /* items at the last draw */
};

/* The panels Tab cycles through. */
enum tui_panel { TP_MAP, TP_WORKERS, TP_LOCKS, TP_EVENTS, TP__COUNT };

enum tui_overlay { TO_NONE, TO_HELP, TO_INSPECT, TO_FATAL, TO_EXPLORE, TO_CHALLENGE };

/* What a schedule search was started for: x's list of endings, or h's
 * hint in a challenge. */
enum tui_explore_for { TX_LIST, TX_HINT };

/*
 * A schedule search (explore_ui.c) from a copy of the world at one step.
 * In the terminal it runs on a thread of its own: the thread owns `from`
 * and `res` until it sets `done`; the loop only reads the progress counters
 * and may set `cancel`.  Headless and scripted runs search synchronously.
 */
struct tui_explore {
	bool running; /* a search thread was started and not yet joined */
	enum tui_explore_for purpose;
	pthread_t th;
	atomic_int cancel;
	atomic_bool done;
	_Atomic uint64_t runs, steps; /* progress, from the search thread */
	struct mv_world from;         /* the world searched from (a copy) */
	bool have_from;
	uint64_t from_step;
	uint64_t max_depth;
	enum mv_status st;
	struct mv_explore_result res; /* the last search's result */
	bool have_res;
	int sel;    /* the class selected in the list */
	int scroll; /* the first class shown */
	/* the screen as it was when a threaded search began: while it runs the
	 * screen shows this and the progress line, and reads nothing of the
	 * world (a string-keyed search adds strings to the scene's pool) */
	struct tui_cell *snap;
	int snap_w, snap_h;
};

/* A challenge's standing at the current step (explore_ui.c). */
enum tui_chal_state { TC_PLAYING, TC_WON, TC_LOST };

enum tui_prompt { TQ_NONE, TQ_GOTO, TQ_SEARCH };

/* The kinds of file e writes (keys.c). */
#define TUI_EXPORT_KINDS 3

#define TUI_MIN_W 80
#define TUI_MIN_H 24

struct tui {
	/* the scene */
	struct scene sc;
	bool have_scene;
	char scene_path[4096];
	char **src_lines; /* the scene file's lines, for the program view */
	uint32_t nsrc_lines;
	struct goprog *progs; /* each worker's program as Go (view_workers.c makes them) */
	uint32_t nprogs;
	bool show_yaml; /* the programs as the scene's YAML instead */
	struct timeline tl;
	bool has_go; /* --go: every scene opened models this release */
	enum mv_go go;
	/* looks */
	struct tui_canvas cv;
	struct tui_theme theme;
	bool ascii;
	/* panels and overlays */
	struct tui_view views[TP__COUNT];
	enum tui_panel focus;
	enum tui_overlay overlay;
	uint64_t fatal_dismissed_at; /* step+1 at which the report was dismissed, 0 none */
	/* schedule search (x, h) and challenge mode (sc.challenge.present) */
	struct tui_explore ex;
	enum tui_chal_state chal;
	enum mv_outcome chal_end;   /* how the run ended (TC_LOST at an end) */
	const char *chal_end_msg;   /* its message (static), NULL */
	bool chal_past;             /* TC_LOST: past the step limit, not ended */
	uint64_t chal_key;          /* the run chal was worked out for (a hash), 0 none */
	uint64_t chal_dismissed_at; /* step+1 at which its overlay was closed, 0 none */
	uint64_t chal_marked;       /* the run whose result was marked in a recording, 0 none */
	int overlay_scroll;
	uint32_t shard;    /* sharded maps: the shard shown */
	bool shard_pinned; /* picked with [ ]; else it follows the contention */
	/* play */
	bool playing;
	int speed; /* index into the speed table */
	uint64_t next_tick_ms;
	/* the message line */
	char flash[600];
	uint64_t flash_until_ms;
	uint64_t flash_step; /* a message about this step: gone once the run moves on; UINT64_MAX none */
	/* prompt (g, /) */
	enum tui_prompt prompt;
	char input[64];
	char search[64];
	int64_t search_hit; /* log index of the highlighted match, -1 */
	char out_dir[4096]; /* where r and e write (--out-dir; the working directory) */
	int export_kind;    /* what e writes: .txt and .ans, .png, .svg (E changes it) */
	/* recording: the header shows ● REC when set */
	bool recording;
	struct tui_rec *rec; /* NULL: no recording is possible (headless) */
	/* --watch */
	bool watch;
	struct timespec mtime;
	bool quit;
	uint64_t now_ms; /* the clock, set by the loop (injectable for tests) */
};

/* tui_scene.c: the life of a scene. */
/* Open the scene at path in t, replacing the one open; -1 with err set. */
int tui_open_scene(struct tui *t, const char *path, char *err, size_t errlen);
void tui_close_scene(struct tui *t);
/* --watch: reload the scene if its file changed (keeping the step when it
 * can); true when it did or tried (a message is flashed). */
bool tui_check_watch(struct tui *t);

/* What the loop is running on behalf of a key (End, n, b, g). */
enum tui_run_mode { TUI_RUN_NONE, TUI_RUN_END, TUI_RUN_EVENT, TUI_RUN_BREAK, TUI_RUN_TO };

/* The state of one run loop (terminal, headless or scripted). */
struct tui_loop {
	enum tui_run_mode run;
	uint64_t run_target;
	uint64_t run_started;
	bool dirty;
	struct tui_term *term; /* NULL: headless */
	bool scripted;         /* a scripted recording: r does not stop it */
};

/* explore_ui.c: schedule search (x, h) and challenge mode. */
/* x or h: start a search from the current step for purpose (lp->term set:
 * on a thread, the loop polls; else synchronously, finished on return). */
void tui_explore_start(struct tui *t, const struct tui_loop *lp, enum tui_explore_for purpose);
/* A search thread has finished (or was cancelled): join it and show what
 * it found.  True when the screen changed. */
bool tui_explore_poll(struct tui *t);
/* While a search thread runs: draw the screen it began on and the
 * progress line into the canvas; false if no search runs. */
bool tui_explore_frozen(struct tui *t);
/* Stop a running search and wait for it (its partial result is kept). */
void tui_explore_cancel(struct tui *t);
/* Forget the search and its result (a scene closes). */
void tui_explore_done(struct tui *t);
/* The explore list's keys (TO_EXPLORE): ↑ ↓ select, Enter plays the
 * witness selected, Esc closes. */
bool tui_explore_key(struct tui *t, enum tui_action a);
/* The progress line while a search runs, into buf. */
void tui_explore_progress(const struct tui *t, char *buf, size_t len);
/* Draw the explore list (TO_EXPLORE) and a challenge's result (TO_CHALLENGE). */
void tui_draw_explore(struct tui *t);
void tui_draw_challenge(struct tui *t);
/* A challenge scene opened: the student is the scheduler. */
void tui_challenge_open(struct tui *t);
/* Work out where the challenge stands at the current step (after a move):
 * won, lost or playing; opens its overlay and marks a recording. */
void tui_challenge_update(struct tui *t);
/* The challenge's goal in words ("make Go abort with a fatal error"), and
 * in brief for the caption ("fatal error: concurrent map writes"). */
const char *tui_challenge_goal(const struct tui *t, char *buf, size_t len);
const char *tui_challenge_brief(const struct tui *t, char *buf, size_t len);

/* keys.c: the keymap and the actions. */
/* One key k as typed; true when the screen must be redrawn.  A long run
 * is only started (lp->run), for the loop to do in chunks. */
bool tui_handle_key(struct tui *t, struct tui_loop *lp, int k);
/* After the timeline moved: the fatal report, play state, log scroll. */
void tui_after_move(struct tui *t);
/* How the world ended, in words, into buf; returns buf. */
const char *tui_end_words(const struct mv_world *w, char *buf, size_t len);

/* loop.c: the run loop, its clock and the message line. */
/* The monotonic clock in milliseconds. */
uint64_t tui_now_ms(void);
/* A message on the flash line for a few seconds. */
void tui_flash(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A message about where the run stands now: gone once the run moves on. */
void tui_flash_here(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Up to budget_ms of lp's long run; true when it is over. */
bool tui_run_chunk(struct tui *t, struct tui_loop *lp, uint64_t budget_ms);
/* One tick of play at the speed chosen (steps a 60th of a second's worth). */
void tui_play_tick(struct tui *t);
/* Size the terminal and the canvas to the window (and the recording). */
void tui_resize_canvas(struct tui *t, struct tui_term *term);
/* The interactive loop on term until q (or a signal asks to quit); 0. */
int tui_run_loop(struct tui *t, struct tui_term *term);

/* picker.c: `mapviz` alone. */
/* The picker on term, select (NULL: none) selected and filter typed; 1
 * with a scene's path in path, 0 on quit.  filter keeps what was typed. */
int tui_run_picker(struct tui *t, struct tui_term *term, const char *select, char *filter, size_t flen,
                   char *path, size_t len);
/* --dump with no scene: the picker at w x h after keys, printed; exit status. */
int tui_dump_picker(struct tui *t, int w, int h, const char *keys);

/* dump.c: the headless TUI. */
/* A headless TUI (theme, canvas w x h, no terminal): for tests and the
 * screen dump.  Free with tui_headless_done. */
struct tui *tui_headless(int w, int h, bool ascii);
void tui_headless_done(struct tui *t);
/* Feed one key as if typed (long runs finish at once). */
void tui_feed_key(struct tui *t, int key);
/* --dump: the scene open in t at w x h, at step (has_step) after keys,
 * printed as text to stdout; exit status. */
int tui_dump_screen(struct tui *t, int w, int h, uint64_t step, bool has_step, const char *keys);
/* The same without printing: t->cv holds the screen; 1 with err set for
 * a bad key script. */
int tui_headless_screen(struct tui *t, int w, int h, uint64_t step, bool has_step, const char *keys,
                        char *err, size_t errlen);

/* script.c: `mapviz record --keys` with the scene open in t; exit status. */
int tui_record_script(struct tui *t, const struct tui_record *rec);
/* `mapviz export --keys -o F.gif`: the same scripted session with no
 * terminal, each screen change given to frame (the canvas and the virtual
 * time in ms, never decreasing); *end_ms: when the session ended.  1 with
 * err set for a bad key script. */
int tui_script_frames(struct tui *t, const char *script, int w, int h,
                      void (*frame)(void *ctx, const struct tui_canvas *cv, uint64_t ms), void *ctx,
                      uint64_t *end_ms, char *err, size_t errlen);

/* tui_main.c: whether NO_COLOR asks for no colors. */
bool tui_no_color(void);

/* rec.c: recording.  The terminal's tap feeds the cast in progress (and
 * the caller's tap); r starts and stops one; markers are written at each
 * caption, breakpoint, fatal error and goroutine picked by hand. */
struct cast;
struct tui_rec {
	pthread_mutex_t mu; /* guards cast against the relay thread */
	struct cast *cast;  /* the recording in progress, NULL */
	const struct tui_output_tap *ext;
	struct tui_output_tap tap; /* what the terminal gets */
	FILE *text;                /* a transcript's markers go here, NULL */
	char base[4096];           /* -o FILE: the first recording; later ones FILE-2.cast... */
	char path[4096];           /* the file written now, or last */
	int nstarted;
	bool force;
	double idle_limit;
	const char *title;
	/* what the last marker check saw */
	int32_t caption;
	uint64_t caption_step;
	bool ended_bad;
	uint64_t bp_step; /* step+1 of the last breakpoint marked, 0 none */
};
void tui_rec_init(struct tui_rec *r, const struct tui_output_tap *ext);
/* Start recording to path (NULL: the next free name) at w x h; virt: the
 * caller sets the time.  prefix: bytes to begin with (the terminal's enter
 * sequence when starting mid-session).  -1 with err set. */
int tui_rec_start(struct tui *t, const char *path, int w, int h, bool virt, const char *prefix,
                  size_t nprefix, char *err, size_t errlen);
/* Stop (suffix: bytes to end with, e.g. the restore sequence); false if
 * writing the file failed (it is cut where it failed). */
bool tui_rec_stop(struct tui *t, const char *suffix, size_t nsuffix);
bool tui_rec_active(const struct tui *t);
/* Markers: what changed since the last check; one by name. */
void tui_rec_check(struct tui *t);
void tui_rec_marker(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_rec_resize(struct tui *t, int w, int h);
void tui_rec_time(struct tui *t, uint64_t ms);
/* e: the screen as text (FILE.txt) and with colors (FILE.ans); a message
 * for the flash line. */
int tui_export_frame(struct tui *t, char *msg, size_t len);
/* The canvas as text with ANSI colors and attributes (SGR), per theme. */
void tui_canvas_dump_ansi(const struct tui_canvas *c, const struct tui_theme *th, FILE *f);

/* view_util.c: helpers every view shares. */
const char *tui_glyph(const struct tui *t, enum tui_role r);
const char *tui_wname(const struct tui *t, uint32_t i);
const struct mv_world *tui_world(const struct tui *t);
/* A key as people read it: 17, or "alice" quoted with control bytes escaped. */
void tui_key_text(const struct mv_world *w, int64_t key, char *buf, size_t len);
/* A bar of width cells, done/total filled; returns the next x. */
int tui_bar(struct tui *t, int x, int y, int maxx, int width, uint64_t done, uint64_t total);
/* The same bar as text: its filled and its empty cells. */
void tui_bar_text(const struct tui *t, int width, uint64_t done, uint64_t total, char *fill, size_t flen,
                  char *empty, size_t elen);
/*
 * A line made of pieces that fits its width by wording: a piece of level 0
 * always shows; level L > 0 is a long wording, shown only while the fit
 * level is below L; level -L is its short twin, shown from fit level L on.
 * tui_segs_fit picks the lowest fit level whose line is at most maxw
 * columns (the highest if none is); tui_segs_draw draws the pieces shown
 * at that level and returns the next x.
 */
struct tui_seg {
	const char *text;
	uint8_t role, attr;
	int8_t level;
};
bool tui_seg_on(const struct tui_seg *s, int level);
int tui_segs_fit(const struct tui_seg *s, int n, int maxw);
int tui_segs_draw(struct tui_canvas *c, int x, int y, int maxx, const struct tui_seg *s, int n, int level);
/* Word-wrap s into at most h lines of width w from (x, y); indent: the
 * columns later lines start in.  Returns the lines used. */
int tui_wrap(struct tui_canvas *c, int x, int y, int w, int h, int indent, const char *s, uint8_t role,
             uint8_t attr);
/* The lines tui_wrap would use (at most max). */
int tui_wrap_lines(int w, int indent, const char *s, int max);
/* Where the first line of s, w columns wide, ends (at its last space, or
 * mid-word when it has none): the bytes drawn on that line. */
int tui_wrap_cut(const char *s, int w);
void tui_fmt_bytes(uint64_t b, char *buf, size_t len);
/* Arrow/page keys over a list's selection; TUI_HANDLED|TUI_REDRAW or 0. */
int tui_move_selection(struct tui_view *v, enum tui_action a, int page);
/* The map panel's keys: the selection, 8 rows a page. */
int tui_map_key(struct tui *t, struct tui_view *v, enum tui_action a);
/* A list panel's keys (goroutines, locks): the selection, 4 rows a page. */
int tui_list_key(struct tui *t, struct tui_view *v, enum tui_action a);
/* One event-log entry in words (as `mapviz run` says it), without the
 * step and worker columns. */
void tui_entry_text(const struct tui *t, const struct tl_entry *e, char *buf, size_t len);

/* The panels, each in its own file: view_syncmap.c, view_workers.c,
 * view_locks.c, view_events.c. */
extern const struct tui_view_ops tui_syncmap_view, tui_workers_view, tui_locks_view, tui_events_view;
/* view_workers.c: forget the programs made as Go (a scene closes or reloads). */
void tui_progs_free(struct tui *t);
/* view_locks.c: lock i in brief ("Lock G1 · waiting G4 G2", "RLock G1,G3",
 * "free"); returns the next x. */
int tui_lock_brief(struct tui *t, int x, int y, int maxx, uint32_t i);
/* How many locks the locks panel lists: the scene's own and a SafeMap's
 * (a sharded map's are in its panel). */
uint32_t tui_locks_shown(const struct mv_world *w);
/* The rows the locks panel wants at width w, its box included. */
int tui_locks_height(struct tui *t, int w);

/* view_overlays.c: the box an overlay of w x h sits in, centered, drawn
 * with its title; returns the inside. */
struct tui_rect tui_overlay_box(struct tui *t, int w, int h, const char *title, enum tui_role border);
/* The help overlay (TO_HELP), scrolled by t->overlay_scroll. */
void tui_draw_help(struct tui *t);
/* Go's crash report with the run's own "why" (TO_FATAL). */
void tui_draw_fatal(struct tui *t);

/* Each map engine's part of the screen (view_maps.c has the table). */
struct tui_mapview {
	const struct tui_view_ops *view;           /* the map panel, one map */
	const struct tui_view_ops *sharded;        /* the map panel, N shards */
	void (*draw_header)(struct tui *t, int y); /* the map's header line */
	void (*draw_inspector)(struct tui *t);     /* the Enter overlay */
	/* why Enter cannot open the inspector now, or NULL */
	const char *(*why_no_inspect)(const struct tui *t);
	/* a number that grows with what the map panel draws (bench tui) */
	uint64_t (*panel_size)(const struct tui *t);
	/* the rows the map panel wants now, every line shown (NULL: all it
	 * can get); the screen gives what it does not want to the locks */
	int (*rows_wanted)(const struct tui *t);
};
extern const struct tui_mapview tui_gomap_mapview, tui_swiss_mapview, tui_syncmap_mapview, tui_hashtrie_mapview;
/* view_maps.c: the view of the engine of the scene's map, or of its sync.Map. */
const struct tui_mapview *tui_mapview_of(const struct tui *t);

/* views.c: draw the whole screen into t->cv (sized by the caller). */
void tui_render(struct tui *t);
/* Play speeds, steps per second. */
extern const int tui_speeds[];
extern const int tui_nspeeds;

#endif
