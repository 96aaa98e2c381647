#!/bin/sh
# tests/tui/run.sh MAPVIZ_BIN — the TUI's tests; ends with "tui: N passed, N failed".
#
# 1. Golden screens: `mapviz SCENE --dump --size WxH [--step N] [--keys ...]`
#    renders the screen headlessly (the same canvas the terminal gets,
#    dumped as text) and must equal tests/tui/golden/NAME.txt.  The cases
#    are in tests/tui/golden.list.  UPDATE_GOLDEN=1 rewrites the files.
# 2. End to end in a real terminal: tmux on a private socket, send-keys,
#    capture-pane.  Skipped (with a clear line) only when tmux is absent.
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/count.sh"
layer_tmp
E2E_NAME=mapviz-test E2E_DIR=$top
. "$here/../lib/e2e.sh"
export MAPVIZ_SCENES="$top/scenes"
export MAPVIZ_THEMES="$top/assets/themes"


# ---- 1. golden screens ------------------------------------------------------
cd "$top" || exit 1
while IFS='|' read -r name size args; do
	case $name in '' | '#'*) continue ;; esac
	want="$here/golden/$name.txt"
	# args is shell words (quoted --keys); a first word SCENES=DIR sets
	# the bundled scenes' directory (the picker's, kept still for it)
	scenes="$top/scenes"
	case $args in SCENES=*)
		first=${args%% *}
		scenes=$top/${first#SCENES=}
		case $args in *' '*) args=${args#* } ;; *) args= ;; esac
		;;
	esac
	eval "set -- $args"
	if ! MAPVIZ_SCENES=$scenes LANG=C.UTF-8 LC_ALL=C.UTF-8 "$BIN" --dump --size "$size" "$@" >"$tmp/got" 2>"$tmp/err"; then
		no "golden $name: mapviz failed: $(head -c 300 "$tmp/err")"
		continue
	fi
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$tmp/got" "$want"
		ok "golden $name (updated)"
	elif cmp -s "$tmp/got" "$want"; then
		ok "golden $name"
	else
		no "golden $name: differs from $want:"
		diff "$want" "$tmp/got" | head -20
	fi
done <"$here/golden.list"

# rewinding is exact: the screen after ← is the one before the step
export LANG=C.UTF-8 LC_ALL=C.UTF-8
# (while the scene runs: at its end, space does nothing and ← goes back)
for sc in tests/tui/scenes/two-writers.yaml tests/tui/scenes/safemap-rwmutex.yaml tests/tui/scenes/tour.yaml; do
	keys=""
	for n in 1 2 3 5 8 13 21; do
		while [ "$(printf '%s' "$keys" | wc -w)" -lt "$n" ]; do keys="$keys space"; done
		"$BIN" "$sc" --dump --size 100x30 --keys "$keys" >"$tmp/a" 2>&1
		head -n 1 "$tmp/a" | grep -qE 'ended|fatal error|deadlock|panic' && break
		"$BIN" "$sc" --dump --size 100x30 --keys "$keys space left" >"$tmp/b" 2>&1
		if cmp -s "$tmp/a" "$tmp/b"; then ok "rewind exact: $sc after $n steps"; else no "rewind: $sc after $n steps: $(diff "$tmp/a" "$tmp/b" | head -5)"; fi
	done
done

# not a terminal: say to use `mapviz run`, exit 1
"$BIN" tour >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'mapviz run' "$tmp/err" && [ ! -s "$tmp/out" ]; then
	ok "stdout piped: exit 1, points to mapviz run"
else
	no "stdout piped: exit $rc, stderr: $(cat "$tmp/err"), stdout $(wc -c <"$tmp/out") bytes"
fi
"$BIN" "$tmp/nope.yaml" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'nope.yaml' "$tmp/err" && ok "missing scene: exit 1 with its name" || no "missing scene: $(cat "$tmp/err")"
"$BIN" tour --theme nosuch >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "no theme named 'nosuch'" "$tmp/err" && ok "unknown theme: exit 1" || no "unknown theme: $(cat "$tmp/err")"
printf 'mapviz-theme: 1\nroles:\n  live: {fg: purple}\n' >"$tmp/bad-theme.yaml"
"$BIN" tour --theme "$tmp/bad-theme.yaml" --dump >"$tmp/out" 2>"$tmp/err"
grep -q "bad-theme.yaml:3:14: found 'purple'" "$tmp/err" && ok "bad theme: FILE:LINE:COL" || no "bad theme: $(cat "$tmp/err")"
printf 'mapviz-theme: 1\nroles:\n  lvie: {fg: red}\n' >"$tmp/bad-theme.yaml"
"$BIN" tour --theme "$tmp/bad-theme.yaml" --dump >"$tmp/out" 2>"$tmp/err"
grep -q "bad-theme.yaml:3:3: .*lvie" "$tmp/err" && ok "bad theme role: FILE:LINE:COL" || no "bad theme role: $(cat "$tmp/err")"
for th in default light high-contrast; do
	"$BIN" tour --theme "$th" --dump >"$tmp/out" 2>"$tmp/err" && ok "theme $th loads" || no "theme $th: $(cat "$tmp/err")"
done
# the keymap, --help and the man page agree
"$BIN" --help >"$tmp/help" 2>&1
missing=""
while IFS= read -r line; do
	label=$(printf '%s\n' "$line" | sed -E 's/^  (.{10}) .*/\1/; s/ +$//')
	grep -qF -- "$label" "$top/assets/mapviz.1" || missing="$missing [$label]"
done <<EOF
$(sed -n '/^keys in the TUI:/,$p' "$tmp/help" | tail -n +2)
EOF
[ -z "$missing" ] && ok "every key of --help is in the man page" || no "keys missing from assets/mapviz.1:$missing"
sed -n '/^keys in the TUI:/,$p' "$tmp/help" | tail -n +2 >"$tmp/keys"
if grep -qF -f "$tmp/keys" "$top/README.md" && [ "$(grep -cF -x -f "$tmp/keys" "$top/README.md")" -eq "$(wc -l <"$tmp/keys")" ]; then
	ok "README lists the keys exactly as --help does"
else
	no "README's key list differs from mapviz --help"
fi
for cmd in run record check test list bench; do
	grep -q "^\.B $cmd\|^\.BR $cmd\|^\\\\fB$cmd" "$top/assets/mapviz.1" || grep -q "mapviz $cmd" "$top/assets/mapviz.1" ||
		{ no "man page lacks command $cmd"; continue; }
	ok "man page covers $cmd"
done
for opt in --theme --watch --ascii --dump --format --every --state --until --steps --seed --exec --output --force --idle-limit --title --rec; do
	grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$top/assets/mapviz.1" && ok "man page covers $opt" || no "man page lacks $opt"
done

# ---- 2. end to end under tmux ---------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	echo "skip: tmux is not installed, the end-to-end TUI tests did not run"
	counted tui
	exit
fi

start 80 24 "LANG=C.UTF-8" "'$BIN' tests/tui/scenes/two-writers.yaml"
check "opens at 80x24" 'step 0 .*paused'
T send-keys -t e2e Space
check "space steps" 'step 1 '
screen >"$tmp/s1"
T send-keys -t e2e Space
check "space steps again" 'step 2 '
T send-keys -t e2e Left
check "left steps back" 'step 1 '
sleep 0.2
screen >"$tmp/s1b"
if cmp -s "$tmp/s1" "$tmp/s1b"; then ok "rewind: the screen equals the one before the step"; else
	no "rewind: screens differ:"
	diff "$tmp/s1" "$tmp/s1b" | head -10
fi
cp "$tmp/s1" "$tmp/capture-80x24.txt"
T send-keys -t e2e Home
check "Home goes to step 0" 'step 0 '
# manual scheduling: G1 up to set_writing, then G2 until the runtime notices
T send-keys -t e2e 1 1 1 2 2 2 2 2 2 2 2 2 2 2 2
check "manual scheduling reaches the fatal error" 'concurrent map writes'
check "the report is Go's goroutine dump" 'goroutine [0-9]+ \[running\]'
screen >"$tmp/fatal.txt"
T send-keys -t e2e Escape
sleep 0.3
if screen | grep -q 'goroutine 1 \['; then no "Esc dismisses the report"; else ok "Esc dismisses the report"; fi
T send-keys -t e2e 1
check "a done goroutine cannot run: says why" 'scene has ended|finished|cannot'
T send-keys -t e2e Left
check "left from the fatal end goes back" 'paused'
T send-keys -t e2e End
check "End runs into the fatal error" 'goroutine [0-9]+ \[running\]'
T send-keys -t e2e Escape Left
check "Esc then ← at once: report closed, one step back" 'paused'
if screen | grep -q 'goroutine 1 \['; then no "Esc then ←: the report is gone"; else ok "Esc then ←: the report is gone"; fi
T send-keys -t e2e '?'
check "? opens the help" 'help: keys and symbols'
T send-keys -t e2e Escape
sleep 0.2
if screen | grep -q 'help: keys and symbols'; then no "Esc closes the help"; else ok "Esc closes the help"; fi
T send-keys -t e2e p
check "p plays" 'play [0-9]+/s|ended'
sleep 0.6
T send-keys -t e2e p
check "p pauses (or the scene ended)" 'paused|ended|fatal'
T send-keys -t e2e Escape
T resize-window -t e2e -x 60 -y 20
check "60x20: too small, says what it needs" 'terminal too small \(need 80.{1,3}24\)'
T resize-window -t e2e -x 80 -y 24
check "back to 80x24: the screen returns" 'two-writers · "Two writers'
T resize-window -t e2e -x 132 -y 43
check "132x43: redrawn at the new size" 'space → step.*Tab panel'
T send-keys -t e2e q
check "q quits: the shell is back" 'EXIT:0'
check "q: terminal modes restored" 'TTY:OK'

start 80 24 "LANG=C.UTF-8" "'$BIN' tests/tui/scenes/tour.yaml"
check "tour opens" 'A tour of Go'
T send-keys -t e2e b
LANG=C.UTF-8 LC_ALL=C.UTF-8 "$BIN" tests/tui/scenes/tour.yaml --dump --size 80x24 --keys b >"$tmp/want-b" 2>&1
same=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	screen >"$tmp/got-b"
	cmp -s "$tmp/got-b" "$tmp/want-b" && { same=1; break; }
	sleep 0.1
done
if [ $same = 1 ]; then ok "curses shows exactly the canvas (--dump) at 80x24"; else
	no "the terminal differs from --dump:"
	diff "$tmp/want-b" "$tmp/got-b" | head -10
fi
T send-keys -t e2e g 1 5 0 Enter
check "g 150 Enter goes to step 150" 'step 150 '
T send-keys -t e2e / g r o w Enter
check "/grow searches the event log" 'matches "grow"'
T send-keys -t e2e Tab
check "Tab focuses the goroutines panel" 'goroutines \*'
T send-keys -t e2e BTab Enter
check "Enter opens the bucket inspector" 'bucket = hash & \(2\^B-1\)'
T send-keys -t e2e Escape
T send-keys -t e2e C-c
check "Ctrl-C quits" 'EXIT:130'
check "Ctrl-C: terminal modes restored" 'TTY:OK'

start 80 24 "NO_COLOR=1 LANG=C LC_ALL=C" "'$BIN' tests/tui/scenes/tour.yaml"
check "LANG=C NO_COLOR: opens" 'step 0'
T send-keys -t e2e n
check "n runs to the next event" 'first write'
if screen | LC_ALL=C grep -q '[^ -~]'; then no "LANG=C: only ASCII on screen"; screen | LC_ALL=C grep '[^ -~]' | head -3; else ok "LANG=C: only ASCII on screen"; fi
screen | grep -q '^+-' && ok "LANG=C: ASCII box drawing" || no "LANG=C: no ASCII boxes"
T send-keys -t e2e b
check "b runs to the breakpoint" 'breakpoint: grow_start'
T send-keys -t e2e End
check "End runs to the end" 'ended'
T send-keys -t e2e q
check "quit after LANG=C" 'EXIT:0'

start 80 24 "LANG=C.UTF-8" "'$BIN' tests/tui/scenes/tour.yaml"
check "tour opens for SIGTERM" 'step 0'
pid=$(mapviz_pid)
[ -n "$pid" ] && kill -TERM "$pid"
check "SIGTERM: exits" 'EXIT:143'
check "SIGTERM: terminal modes restored" 'TTY:OK'

start 80 24 "LANG=C.UTF-8" "'$BIN' tests/tui/scenes/tour.yaml"
check "tour opens for SIGSEGV" 'step 0'
pid=$(mapviz_pid)
[ -n "$pid" ] && kill -SEGV "$pid"
check "SIGSEGV: dies of it" 'EXIT:139'
check "SIGSEGV: terminal modes restored" 'TTY:OK'

cp tests/tui/scenes/two-writers.yaml "$tmp/watched.yaml"
start 80 24 "LANG=C.UTF-8" "'$BIN' --watch '$tmp/watched.yaml'"
check "--watch opens" 'Two writers, no lock'
T send-keys -t e2e Space Space Space
check "--watch: 3 steps" 'step 3 '
sleep 1.1 # a new mtime
sed 's/title: "Two writers, no lock"/title: "Renamed while watching"/' tests/tui/scenes/two-writers.yaml >"$tmp/watched.new"
mv "$tmp/watched.new" "$tmp/watched.yaml"
check "--watch reloads the changed scene" 'Renamed while watching'
check "--watch keeps the step" 'step 3 '
printf 'mapviz: 1\ntitle: [broken\n' >"$tmp/watched.yaml"
check "--watch: a broken scene says FILE:LINE:COL, keeps the old one" 'reload failed .the old scene stays.: watched.yaml:[0-9]+:[0-9]+'
T send-keys -t e2e q
check "--watch: quits" 'EXIT:0'

start 80 24 "LANG=C.UTF-8" "'$BIN'"
check "mapviz alone opens the picker" 'pick a scene'
check "the picker opens on the tour" '▸ tour +A tour of Go'
check "the picker names the chapters" '2.1  The concurrent map writes fatal error'
T send-keys -t e2e Enter
check "Enter opens the chosen scene" 'tour · "A tour of Go.s map".*step 0 '
T send-keys -t e2e q
check "q in a picked scene goes back to the picker, on that scene" '▸ tour +A tour of Go'
T send-keys -t e2e End
check "End selects the last scene" '▸ [a-z0-9-]+ .*' 
T send-keys -t e2e Home
check "Home selects the first scene" '▸ anatomy'
T send-keys -t e2e s y n c m
check "typing filters the scenes" 'matching "syncm"'
if screen | grep -q 'anatomy'; then no "the filter hides scenes that do not match"; else ok "the filter hides scenes that do not match"; fi
T send-keys -t e2e Enter
check "Enter opens the filtered choice" 'sync.Map.*step 0 '
T send-keys -t e2e q
check "back in the picker, the filter kept" 'matching "syncm"'
T send-keys -t e2e Escape
sleep 0.2
if screen | grep -q 'matching'; then no "Esc clears the filter"; else ok "Esc clears the filter"; fi
T send-keys -t e2e q
check "q in the picker quits" 'EXIT:0'

# a typo in a scene's name: the nearest bundled one is named
"$BIN" tuor >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "did you mean 'tour'" "$tmp/err" && ok "mapviz tuor suggests tour" || no "mapviz tuor: $(cat "$tmp/err")"

# hand scheduling: the screen says the run is the student's own, keeps only
# event captions, and s returns to the scene's schedule at the same step
start 80 24 "LANG=C.UTF-8" "'$BIN' tests/tui/scenes/lessons/concurrent-writes.yaml"
check "hand scheduling: the lesson opens" 'step 0 '
T send-keys -t e2e Space
check "space follows the scene's schedule, with its caption" 'writer-A stores: first it checks'
T send-keys -t e2e 2
check "G2 picked by hand: the screen says the run is the student's own" 'Your own interleaving since step 2'
check "the header says the run is by hand" 'step 2 by hand'
T send-keys -t e2e 1
check "a further step by hand" 'step 3 by hand'
if screen | grep -q 'A sets hashWriting'; then no "a caption tied to a step is off on a hand-made run"; else
	ok "a caption tied to a step is off on a hand-made run"
fi
T send-keys -t e2e s
check "s: back on the scene's schedule at the same step" "back on the scene's own schedule at step 3"
check "s: the step's caption is back" 'A sets hashWriting'
if screen | grep -q 'by hand\|Your own'; then no "s: the run is the scene's again"; else ok "s: the run is the scene's again"; fi
T send-keys -t e2e Home 1 1 1 2
check "by hand into the fatal error" 'fatal error: concurrent map writes'
check "the fatal report says why, in the run's terms" "why: G2's write found hashWriting set by G1 at step 3"
check "an event caption stays on a hand-made run" 'B sees the flag: fatal error'
T send-keys -t e2e q
check "hand scheduling: quits" 'EXIT:0'

# the unit of a step (o), n inside an operation, a breakpoint's message
start 80 24 "LANG=C.UTF-8" "'$BIN' tests/tui/scenes/tour.yaml"
check "units: the tour opens (op granularity)" 'space → step op'
T send-keys -t e2e n
check "n stops at an event inside an operation" 'step 4 .*paused'
check "n: the event it stopped at" 'first write: the bucket array'
T send-keys -t e2e o
check "o: space now runs one runtime step" 'now run one runtime step'
T send-keys -t e2e Space
check "o: space ran one step" 'step 5 '
T send-keys -t e2e o Space
check "o again: space runs the rest of the operation" 'step 9 '
T send-keys -t e2e b
check "b stops at the breakpoint and says so" 'breakpoint: grow_start at step 70'
T send-keys -t e2e Space
check "the run moved on" 'step 76 '
if screen | grep -q 'breakpoint: grow_start'; then no "the breakpoint's message is gone once the run moved on"; else
	ok "the breakpoint's message is gone once the run moved on"
fi
T send-keys -t e2e y
check "y: the programs as the scene's YAML" '- store: \{key: 8, value: 8\}'
T send-keys -t e2e y
check "y again: the programs as Go" 'm\[8\] = 8'
T send-keys -t e2e q
check "units: quits" 'EXIT:0'

# e and r name the files they write by their full path, in --out-dir
mkdir -p "$tmp/outdir"
start 80 24 "LANG=C.UTF-8" "'$BIN' --out-dir '$tmp/outdir' tests/tui/scenes/tour.yaml"
check "--out-dir: the tour opens" 'step 0 '
T send-keys -t e2e e
check "e: the saved screen's name" "screen is in tour-step0.txt .text. and .ans .colors., in"
check "e: ... and its directory, in full" "$tmp/outdir"
[ -s "$tmp/outdir/tour-step0.txt" ] && [ -s "$tmp/outdir/tour-step0.ans" ] && ok "e: both files are in --out-dir" ||
	no "e: $(ls "$tmp/outdir")"
T send-keys -t e2e r
check "r: where the recording goes, in full" "recording to tour-1.cast in $tmp/outdir"
T send-keys -t e2e r
check "r again: where it was saved, in full" "recording saved to tour-1.cast in $tmp/outdir"
T send-keys -t e2e q
check "--out-dir: quits" 'EXIT:0'
[ -s "$tmp/outdir/tour-1.cast" ] && ok "r: the recording is in --out-dir" || no "r: no $tmp/outdir/tour-1.cast"

# Ctrl-Z: the shell gets a sane terminal, fg brings the screen back
if command -v bash >/dev/null 2>&1; then
	e2e_new_server
	T -f /dev/null new-session -d -s e2e -x 80 -y 24 "env PS1='sh\$ ' bash --norc --noprofile -i"
	sleep 0.3
	T send-keys -t e2e "cd '$top' && LANG=C.UTF-8 MAPVIZ_THEMES='$top/assets/themes' '$BIN' tests/tui/scenes/tour.yaml" Enter
	check "Ctrl-Z: opens" 'step 0 '
	T send-keys -t e2e C-z
	check "Ctrl-Z: stopped, the shell is back" 'Stopped'
	T send-keys -t e2e "stty -a | grep -q ' icanon' && echo STTY:OK" Enter
	check "Ctrl-Z: terminal modes restored while stopped" 'STTY:OK'
	T send-keys -t e2e "fg" Enter
	check "fg: the screen comes back" 'step 0 .*paused'
	T send-keys -t e2e Space
	check "fg: keys work again" 'step 9 '
	T send-keys -t e2e q
	check "fg: q quits" 'sh\$ ?$'
fi

cp "$tmp/capture-80x24.txt" "${TUI_CAPTURE:-/dev/null}" 2>/dev/null
# A terminal that vanishes without a SIGHUP: the TUI exits.
if out=$(python3 "$here/hangup.py" "$BIN" "$here/scenes/tour.yaml" 2>&1); then
	ok "terminal gone without SIGHUP: the TUI exits"
else
	no "terminal gone without SIGHUP: $out"
fi

counted tui
