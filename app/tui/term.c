/* term: curses output through a relay, raw keys, terminal restore; see term.h. */
#define NCURSES_WIDECHAR 1
#include "term.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "keys.h"

/* The state signal handlers and the atexit handler need (see term.h). */
static struct {
	volatile sig_atomic_t resized, quit, active;
	struct termios saved, raw;
	bool have_saved;
	char enter[128]; /* smcup, civis: written when a suspended TUI resumes */
	size_t nenter;
	char restore[256]; /* rmcup, cnorm, sgr0: written on an emergency exit */
	size_t nrestore;
	bool installed;
	const char *virtual_name; /* the terminal type of virtual screens */
} g_term;

/* Async-signal-safe: give the terminal back. */
static void emergency_restore(void)
{
	if (!g_term.active)
		return;
	g_term.active = 0;
	if (g_term.nrestore) {
		ssize_t r = write(STDOUT_FILENO, g_term.restore, g_term.nrestore);
		(void)r;
	}
	if (g_term.have_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &g_term.saved);
}

static void on_fatal(int sig)
{
	emergency_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Ctrl-Z: give the terminal back, stop; on resume take it again and
 * repaint (the resize flag makes the loop redraw everything). */
static void on_suspend(int sig)
{
	if (!g_term.active) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	if (g_term.nrestore) {
		ssize_t r = write(STDOUT_FILENO, g_term.restore, g_term.nrestore);
		(void)r;
	}
	if (g_term.have_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &g_term.saved);
	signal(SIGTSTP, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, NULL); /* it is blocked while we handle it */
	raise(SIGTSTP);
	/* continued */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_suspend;
	sigaction(SIGTSTP, &sa, NULL);
	if (g_term.have_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &g_term.raw);
	if (g_term.nenter) {
		ssize_t r = write(STDOUT_FILENO, g_term.enter, g_term.nenter);
		(void)r;
	}
	g_term.resized = 1;
}

static void on_quit(int sig)
{
	g_term.quit = sig;
}

static void on_winch(int sig)
{
	(void)sig;
	g_term.resized = 1;
}

static void at_exit(void)
{
	emergency_restore();
}

void tui_term_signals(void)
{
	if (g_term.installed)
		return;
	g_term.installed = true;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit; /* no SA_RESTART: a blocked read returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = on_suspend;
	sigaction(SIGTSTP, &sa, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	int fatal[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	atexit(at_exit);
}

bool tui_term_resized(void)
{
	bool r = g_term.resized;
	g_term.resized = 0;
	return r;
}

int tui_term_quit_requested(void)
{
	return g_term.quit;
}

const char *tui_term_unusable(void)
{
	if (!isatty(STDOUT_FILENO))
		return "stdout is not a terminal";
	if (!isatty(STDIN_FILENO))
		return "stdin is not a terminal";
	const char *term = getenv("TERM");
	if (!term || !*term || strcmp(term, "dumb") == 0)
		return "TERM is not set to a terminal that can move the cursor";
	return NULL;
}

void tui_term_size(int *rows, int *cols)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	} else {
		*rows = 24;
		*cols = 80;
	}
}

/* ---- output ---- */

static void *relay_main(void *arg)
{
	struct tui_term *t = arg;
	char buf[16384];
	for (;;) {
		/* busy from before the bytes leave the pipe until the tap has
		 * them: tui_term_drain waits for an empty pipe and !busy */
		struct pollfd p = {t->pipefd[0], POLLIN, 0};
		if (poll(&p, 1, -1) < 0 && errno == EINTR)
			continue;
		__atomic_store_n(&t->relay_busy, 1, __ATOMIC_SEQ_CST);
		ssize_t n = read(t->pipefd[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR) {
			__atomic_store_n(&t->relay_busy, 0, __ATOMIC_SEQ_CST);
			continue;
		}
		if (n <= 0) {
			__atomic_store_n(&t->relay_busy, 0, __ATOMIC_SEQ_CST);
			break;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(STDOUT_FILENO, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += w;
		}
		if (t->tap && t->tap->write)
			t->tap->write(t->tap->ctx, buf, (size_t)n);
		__atomic_store_n(&t->relay_busy, 0, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

void tui_term_drain(struct tui_term *t)
{
	if (!t->out)
		return;
	fflush(t->out);
	if (!t->relay_started)
		return;
	for (int i = 0; i < 2000; i++) {
		int pending = 0;
		if (ioctl(t->pipefd[0], FIONREAD, &pending) != 0)
			return;
		if (pending == 0 && !__atomic_load_n(&t->relay_busy, __ATOMIC_SEQ_CST))
			return;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
}

size_t tui_term_enter_sequence(char *buf, size_t len)
{
	size_t n = g_term.nenter < len ? g_term.nenter : 0;
	memcpy(buf, g_term.enter, n);
	return n;
}

size_t tui_term_restore_sequence(char *buf, size_t len)
{
	/* without the emergency line feed: the screen stays as it was */
	size_t n = g_term.nrestore >= 2 ? g_term.nrestore - 2 : 0;
	if (n > len)
		n = 0;
	memcpy(buf, g_term.restore, n);
	return n;
}

static short color_of(int c, attr_t *extra, bool defaults_ok, short dflt)
{
	if (c < 0)
		return defaults_ok ? -1 : dflt;
	if (c >= 8 && c < 16 && COLORS < 16) {
		*extra |= A_BOLD;
		return (short)(c - 8);
	}
	if (c >= COLORS)
		return (short)(c % 8);
	return (short)c;
}

static void setup_colors(struct tui_term *t, bool no_color)
{
	t->color = !no_color && has_colors();
	if (!t->color)
		return;
	start_color();
	/* a terminal without default colors gets white on black for "default" */
	bool dflt = use_default_colors() == OK;
	for (int r = 0; r < TR__COUNT && r + 1 < COLOR_PAIRS; r++) {
		attr_t extra = 0;
		short fg = color_of(t->theme->role[r].fg, &extra, dflt, COLOR_WHITE),
		      bg = color_of(t->theme->role[r].bg, &extra, dflt, COLOR_BLACK);
		init_pair((short)(r + 1), fg, bg);
	}
}

static void save_restore_sequence(void)
{
	const char *caps[] = {"sgr0", "cnorm", "rmcup"};
	size_t n = 0;
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		const char *s = tigetstr(caps[i]);
		if (!s || s == (char *)-1)
			continue;
		size_t l = strlen(s);
		if (n + l < sizeof g_term.restore) {
			memcpy(g_term.restore + n, s, l);
			n += l;
		}
	}
	const char nl[] = "\r\n";
	if (n + 2 < sizeof g_term.restore) {
		memcpy(g_term.restore + n, nl, 2);
		n += 2;
	}
	g_term.nrestore = n;
	n = 0;
	const char *enter[] = {"smcup", "civis"};
	for (size_t i = 0; i < sizeof enter / sizeof enter[0]; i++) {
		const char *e = tigetstr(enter[i]);
		if (!e || e == (char *)-1)
			continue;
		size_t l = strlen(e);
		if (n + l < sizeof g_term.enter) {
			memcpy(g_term.enter + n, e, l);
			n += l;
		}
	}
	g_term.nenter = n;
}

int tui_term_open(struct tui_term *t, const struct tui_theme *th, bool no_color,
                  const struct tui_output_tap *tap)
{
	memset(t, 0, sizeof *t);
	t->theme = th;
	t->tap = tap;
	t->pending = -1;
	tui_term_signals();
	if (pipe(t->pipefd) != 0) {
		perror("mapviz: pipe");
		return -1;
	}
	fcntl(t->pipefd[0], F_SETFD, FD_CLOEXEC);
	fcntl(t->pipefd[1], F_SETFD, FD_CLOEXEC);
	t->out = fdopen(t->pipefd[1], "w");
	if (!t->out || pthread_create(&t->relay, NULL, relay_main, t) != 0) {
		fprintf(stderr, "mapviz: cannot start the terminal output relay\n");
		return -1;
	}
	t->relay_started = true;
	/* the terminal's modes, before anyone changes them */
	if (tcgetattr(STDIN_FILENO, &g_term.saved) == 0)
		g_term.have_saved = true;
	SCREEN *s = newterm(NULL, t->out, stdin);
	if (!s) {
		fprintf(stderr, "mapviz: cannot use terminal type '%s'\n",
		        getenv("TERM") ? getenv("TERM") : "");
		fclose(t->out);
		pthread_join(t->relay, NULL);
		return -1;
	}
	t->screen = s;
	save_restore_sequence();
	g_term.active = 1;
	struct termios raw = g_term.saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	g_term.raw = raw;
	if (g_term.have_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	nonl();
	curs_set(0);
	leaveok(stdscr, TRUE);
	setup_colors(t, no_color);
	int rows, cols;
	tui_term_size(&rows, &cols);
	tui_term_resize(t, rows, cols);
	return 0;
}

void tui_term_close(struct tui_term *t)
{
	if (!t->screen)
		return;
	curs_set(1);
	endwin();
	fflush(t->out);
	delscreen(t->screen);
	t->screen = NULL;
	fclose(t->out); /* EOF for the relay: it writes what is left and ends */
	pthread_join(t->relay, NULL);
	close(t->pipefd[0]);
	if (g_term.have_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &g_term.saved);
	g_term.active = 0;
	tui_canvas_done(&t->front);
}

int tui_term_open_virtual(struct tui_term *t, const struct tui_theme *th, FILE *out, int rows, int cols)
{
	return tui_term_open_recorded(t, th, false, out, rows, cols);
}

int tui_term_open_recorded(struct tui_term *t, const struct tui_theme *th, bool no_color, FILE *out, int rows,
                           int cols)
{
	memset(t, 0, sizeof *t);
	t->theme = th;
	t->pending = -1;
	/* no keys come from anywhere: a recording must not touch stdin */
	t->vin = fopen("/dev/null", "r");
	FILE *in = t->vin ? t->vin : stdin;
	/* curses sets up its scrolling region for the size it starts at: make
	 * that the screen's (the terminal type's own size is 80x24) */
	char *old_lines = getenv("LINES") ? strdup(getenv("LINES")) : NULL,
	     *old_cols = getenv("COLUMNS") ? strdup(getenv("COLUMNS")) : NULL;
	char num[16];
	snprintf(num, sizeof num, "%d", rows);
	setenv("LINES", num, 1);
	snprintf(num, sizeof num, "%d", cols);
	setenv("COLUMNS", num, 1);
	use_env(TRUE);
	g_term.virtual_name = "xterm-256color";
	SCREEN *s = newterm(g_term.virtual_name, out, in);
	if (!s)
		s = newterm(g_term.virtual_name = "xterm", out, in);
	if (old_lines)
		setenv("LINES", old_lines, 1);
	else
		unsetenv("LINES");
	if (old_cols)
		setenv("COLUMNS", old_cols, 1);
	else
		unsetenv("COLUMNS");
	free(old_lines);
	free(old_cols);
	if (!s) {
		if (t->vin)
			fclose(t->vin);
		t->vin = NULL;
		return -1;
	}
	t->screen = s;
	nonl();
	curs_set(0);
	leaveok(stdscr, TRUE);
	setup_colors(t, no_color);
	tui_term_resize(t, rows, cols);
	return 0;
}

void tui_term_close_virtual(struct tui_term *t)
{
	if (!t->screen)
		return;
	endwin();
	delscreen(t->screen);
	t->screen = NULL;
	if (t->vin)
		fclose(t->vin);
	t->vin = NULL;
	tui_canvas_done(&t->front);
}

const char *tui_term_virtual_name(void)
{
	return g_term.virtual_name ? g_term.virtual_name : "xterm-256color";
}

void tui_term_resize(struct tui_term *t, int rows, int cols)
{
	t->rows = rows;
	t->cols = cols;
	resize_term(rows, cols);
	tui_canvas_done(&t->front);
	tui_canvas_init(&t->front, cols, rows, false);
	t->force = true;
	clearok(curscr, TRUE);
}

void tui_term_repaint(struct tui_term *t)
{
	t->force = true;
	clearok(curscr, TRUE);
}

static attr_t attrs_of(const struct tui_term *t, const struct tui_cell *c)
{
	const struct tui_style *st = &t->theme->role[c->role < TR__COUNT ? c->role : 0];
	unsigned a = st->attr | c->attr;
	attr_t r = 0;
	if (a & TUI_A_BOLD)
		r |= A_BOLD;
	if (a & TUI_A_REVERSE)
		r |= A_REVERSE;
	if (a & TUI_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & TUI_A_DIM)
		r |= A_DIM;
	if (t->color) {
		attr_t extra = 0;
		color_of(st->fg, &extra, true, 0);
		r |= extra;
	}
	return r;
}

void tui_term_blit(struct tui_term *t, const struct tui_canvas *c)
{
	int h = c->h < t->rows ? c->h : t->rows, w = c->w < t->cols ? c->w : t->cols;
	if (t->front.w != t->cols || t->front.h != t->rows) {
		tui_canvas_done(&t->front);
		tui_canvas_init(&t->front, t->cols, t->rows, false);
		t->force = true;
	}
	if (t->force)
		erase();
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			const struct tui_cell *cell = &c->cells[(long)y * c->w + x];
			struct tui_cell *old = tui_cell_at(&t->front, x, y);
			if (!t->force && old->ch == cell->ch && old->role == cell->role &&
			    old->attr == cell->attr)
				continue;
			*old = *cell;
			wchar_t wc[2] = {(wchar_t)cell->ch, 0};
			cchar_t cc;
			short pair = t->color ? (short)(cell->role + 1) : 0;
			setcchar(&cc, wc, attrs_of(t, cell), pair, NULL);
			/* the bottom-right cell: add_wch would scroll; insert instead */
			if (y == t->rows - 1 && x == t->cols - 1)
				mvins_wch(y, x, &cc);
			else
				mvadd_wch(y, x, &cc);
		}
	}
	t->force = false;
	wnoutrefresh(stdscr);
	doupdate();
	if (t->out)
		fflush(t->out);
}

/* ---- input ---- */

static int read_byte(struct tui_term *t, int timeout_ms)
{
	if (t->pending >= 0) {
		int c = t->pending;
		t->pending = -1;
		return c;
	}
	struct pollfd p = {STDIN_FILENO, POLLIN, 0};
	int r = poll(&p, 1, timeout_ms);
	if (r <= 0)
		return -1;
	unsigned char ch;
	ssize_t n = read(STDIN_FILENO, &ch, 1);
	if (n == 1)
		return ch;
	if (n == 0 || (errno != EINTR && errno != EAGAIN) || (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
		/* the terminal is gone (hung up, closed): leave as on SIGHUP
		 * instead of polling a dead descriptor forever */
		g_term.quit = SIGHUP;
	}
	return -1;
}

/* An escape sequence after ESC: CSI (ESC [) or SS3 (ESC O). */
static int decode_escape(struct tui_term *t)
{
	int c = read_byte(t, 30);
	if (c < 0)
		return TK_ESC;
	if (c == 27) {
		/* Esc, then another key's sequence: keep that for the next read */
		t->pending = c;
		return TK_ESC;
	}
	if (c != '[' && c != 'O')
		return TK_NONE; /* Alt-something: ignored */
	char params[16];
	int n = 0, f;
	for (;;) {
		f = read_byte(t, 30);
		if (f < 0)
			return TK_NONE;
		if (f >= 0x40 && f <= 0x7e)
			break;
		if (n + 1 < (int)sizeof params)
			params[n++] = (char)f;
	}
	params[n] = '\0';
	switch (f) {
	case 'A': return TK_UP;
	case 'B': return TK_DOWN;
	case 'C': return TK_RIGHT;
	case 'D': return TK_LEFT;
	case 'H': return TK_HOME;
	case 'F': return TK_END;
	case 'Z': return TK_BTAB;
	case 'P': return TK_F1;
	case '~': {
		int v = atoi(params);
		switch (v) {
		case 1:
		case 7: return TK_HOME;
		case 4:
		case 8: return TK_END;
		case 5: return TK_PGUP;
		case 6: return TK_PGDN;
		case 3: return TK_DELETE;
		case 11: return TK_F1;
		default: return TK_NONE;
		}
	}
	default: return TK_NONE;
	}
}

int tui_term_key(struct tui_term *t, int timeout_ms)
{
	int c = read_byte(t, timeout_ms);
	if (c < 0)
		return TK_NONE;
	if (c == 27)
		return decode_escape(t);
	if (c == '\r' || c == '\n')
		return TK_ENTER;
	if (c == 127 || c == 8)
		return TK_BACKSPACE;
	if (c >= 0x80) {
		/* the rest of a UTF-8 character: not a key of ours */
		int more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
		while (more-- > 0 && read_byte(t, 10) >= 0)
			;
		return TK_NONE;
	}
	return c;
}
