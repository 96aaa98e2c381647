#!/bin/sh
# tests/record/run.sh MAPVIZ_BIN — `mapviz record`; ends with "record: N passed, N failed".
#
# 1. Scripted recordings (--keys: no terminal, virtual time) of bundled
#    scenes: the file is asciicast v2 (tests/record/cast.py), `asciinema cat`
#    reads it, the markers are there with the right labels, and the events
#    fed through a terminal emulator (python3-pyte) give exactly the TUI's
#    own screen (`mapviz --dump` of the same keys at the same size: a
#    scripted recording has no ● REC badge, no person is at the keys).
#    Two recordings of the same scene and keys are the same bytes; waits and
#    --idle-limit set the times; files are never silently replaced.
# 2. A recording killed with SIGKILL parses up to its last complete line.
# 3. In a real terminal (tmux): `mapviz record` driven by keys, r and e in
#    the TUI, a resize, SIGKILL; the recording replays to the screen tmux
#    showed.  Skipped (with a clear line) only when tmux is absent.
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/count.sh"
layer_tmp
E2E_NAME=mapviz-rec E2E_DIR=$tmp E2E_TRIM=1
. "$here/../lib/e2e.sh"
export MAPVIZ_SCENES="$top/scenes"
export MAPVIZ_THEMES="$top/assets/themes"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset SOURCE_DATE_EPOCH


# a python3 that has pyte (Debian's python3-pyte is in /usr/lib/python3)
PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pyte' >/dev/null 2>&1; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	no "python3 with pyte (python3-pyte) is not installed: the recordings cannot be replayed"
	PY=python3
fi
cast() { "$PY" "$here/cast.py" "$@"; }
# asciinema cat wants a terminal: give it one
acat() { script -qec "asciinema cat '$1'" /dev/null </dev/null; }
cd "$tmp" || exit 1

# ---- 1. scripted recordings -----------------------------------------------------
# NAME|SCENE|SIZE|KEYS|MARKERS (grep -E patterns, each must be a marker, ';' between).
# --dump takes no time, so a message stays on its screen for ever while in a
# recording it goes after 4 s: the scripts end before a message expires.
while IFS='|' read -r name scene size keys markers; do
	case $name in '' | '#'*) continue ;; esac
	f="$tmp/$name.cast"
	if ! "$BIN" record "$scene" -o "$f" --size "$size" --keys "$keys" >"$tmp/out" 2>"$tmp/err"; then
		no "$name: mapviz record failed: $(head -c 300 "$tmp/err")"
		continue
	fi
	[ -s "$tmp/out" ] && no "$name: a scripted recording printed on stdout" || ok "$name: records, stdout quiet"
	if r=$(cast check "$f"); then ok "$name: asciicast v2 ($r)"; else no "$name: not asciicast v2: $r"; fi
	head -n 1 "$f" | grep -q "\"width\": ${size%x*}, \"height\": ${size#*x}," &&
		head -n 1 "$f" | grep -q '"env": {"TERM": "xterm-256color", "SHELL": ' &&
		ok "$name: header: size, TERM, SHELL" || no "$name: header: $(head -n 1 "$f")"
	if command -v asciinema >/dev/null 2>&1 && command -v script >/dev/null 2>&1; then
		if acat "$f" >"$tmp/cat" 2>"$tmp/caterr" && [ -s "$tmp/cat" ]; then
			ok "$name: asciinema cat reads it"
		else
			no "$name: asciinema cat: $(tail -n 3 "$tmp/caterr")"
		fi
	else
		no "$name: asciinema (or script) is not installed"
	fi
	cast markers "$f" >"$tmp/markers"
	missing=""
	oldifs=$IFS
	IFS=';'
	for m in $markers; do
		grep -qE -- "^$m\$" "$tmp/markers" || missing="$missing [$m]"
	done
	IFS=$oldifs
	[ -z "$missing" ] && ok "$name: markers$(printf ' [%s]' "$markers" | tr ';' ',')" ||
		{ no "$name: markers missing:$missing; found:"; sed 's/^/    | /' "$tmp/markers"; }
	"$BIN" "$scene" --dump --size "$size" --keys "$keys" | sed 's/ *$//' >"$tmp/want"
	cast screen "$f" >"$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then ok "$name: replayed in pyte = the TUI's screen (--dump)"; else
		no "$name: replayed screen differs from --dump:"
		diff "$tmp/want" "$tmp/got" | head -10
	fi
done <<'EOF'
tour|tour|100x30|space*5 wait:0.5 n b left q|caption: make\(map\[int\]int\) has no buckets yet.*;caption: Too full: a new bucket array.*;breakpoint: grow_start
cw|concurrent-writes|100x30|delay:1 1*3 2*8 q|manual: G1 \(writer-A\);manual: G2 \(writer-B\);breakpoint: fatal;fatal: concurrent map writes
cw-end|concurrent-writes|80x24|End|fatal: concurrent map writes
rlock|rlock-lock|120x40|n*4 tab tab end esc q|deadlock: .*
syncmap|syncmap|100x30|space*12 tab down enter q|caption: .*
sharded|sharded|100x30|space*20 ] ] b ? q|caption: .*
explore|concurrent-writes|80x24|x enter q|explore: 2 ways to end from step 0 \(.* runs\);explore: witness of fatal: concurrent map writes;fatal: concurrent map writes
chal-won|challenge-01-two-writers|80x24|2*11 1*4 2 q|challenge: won in 16 steps
chal-lost|challenge-01-two-writers|80x24|1*11 2*18 q|challenge: lost at step 29
EOF

# LANG=C: ASCII only, still replays to the same screen; NO_COLOR: no colors
LANG=C LC_ALL=C "$BIN" record tour -o c-locale.cast --keys "space*3 b q"
LANG=C LC_ALL=C "$BIN" tour --dump --size 100x30 --keys "space*3 b q" | sed 's/ *$//' >"$tmp/want"
cast screen c-locale.cast >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" && ! LC_ALL=C grep -q '[^ -~]' "$tmp/got" && ok "LANG=C: ASCII, replayed = --dump" || { no "LANG=C:"; diff "$tmp/want" "$tmp/got" | head; }
NO_COLOR=1 "$BIN" record tour -o no-color.cast --keys "space q"
grep -q '\\u001b\[3[0-9]m' no-color.cast && no "NO_COLOR: colors in the recording" || ok "NO_COLOR: no colors in the recording"

# the same scene and keys: the same file, byte for byte
"$BIN" record tour -o a.cast --keys "space*3 p wait:2 p n q" && "$BIN" record tour -o b.cast --keys "space*3 p wait:2 p n q"
cmp -s a.cast b.cast && ok "two scripted recordings are byte-identical" || no "two scripted recordings differ: $(cmp a.cast b.cast)"
if command -v asciinema >/dev/null 2>&1 && command -v script >/dev/null 2>&1; then
	timeout 30 script -qec "asciinema play -s 50 -i 0.01 a.cast" /dev/null </dev/null >"$tmp/play" 2>&1 &&
		grep -q 'A tour of Go' "$tmp/play" && ok "asciinema play plays it" || no "asciinema play: $(tail -n 3 "$tmp/play")"
fi
SOURCE_DATE_EPOCH=1790000000 "$BIN" record tour -o c.cast --keys q
head -n 1 c.cast | grep -q '"timestamp": 1790000000,' && ok "SOURCE_DATE_EPOCH is the header's timestamp" || no "SOURCE_DATE_EPOCH: $(head -n 1 c.cast)"
head -n 1 a.cast | grep -q timestamp && no "no timestamp without SOURCE_DATE_EPOCH (reproducible)" || ok "no timestamp without SOURCE_DATE_EPOCH (reproducible)"
# playing goes on during a wait: more frames, and the step moved
[ "$(grep -c '"o"' a.cast)" -gt 10 ] && ok "p wait:2 plays in virtual time ($(grep -c '"o"' a.cast) frames)" || no "p wait:2: only $(grep -c '"o"' a.cast) frames"

"$BIN" record tour -o p.cast --keys "p wait:3 q"
cast markers p.cast >"$tmp/markers"
grep -qx 'breakpoint: grow_start' "$tmp/markers" && grep -qx 'caption: 8 keys: the only bucket is full.' "$tmp/markers" &&
	ok "playing into a breakpoint: its caption and the breakpoint are markers" || { no "p wait:3 markers:"; cat "$tmp/markers"; }

# times follow the script: each key 0.5 s after the last (delay), wait:S adds S
"$BIN" record tour -o t.cast --keys "space wait:2 space delay:0.25 space q"
"$PY" - t.cast >"$tmp/times" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]).read().split("\n")[1:] if l]
print(" ".join("%.3f" % e[0] for e in ev if e[1] == "o"))
EOF
[ "$(cat "$tmp/times")" = "0.000 0.500 3.000 3.250 3.500" ] && ok "times: delay 0.5, wait:2, delay:0.25, then q ends" || no "times: $(cat "$tmp/times")"
"$BIN" record tour -o i.cast --idle-limit 1.5 --keys "space wait:10 space q"
"$PY" - i.cast >"$tmp/times" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
h = json.loads(lines[0])
ev = [json.loads(l) for l in lines[1:] if l]
print(h.get("idle_time_limit"), " ".join("%.3f" % e[0] for e in ev if e[1] == "o"))
EOF
[ "$(cat "$tmp/times")" = "1.5 0.000 0.500 2.000 2.500" ] && ok "--idle-limit 1.5 caps wait:10 (header idle_time_limit)" || no "--idle-limit: $(cat "$tmp/times")"

# never silently replace a file
echo precious >keep.cast
"$BIN" record tour -o keep.cast --keys q 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && [ "$(cat keep.cast)" = precious ] && grep -q 'exists.*--force' "$tmp/err" && ok "an existing file is refused: exit 1, untouched, says --force" || no "overwrite: exit $rc, $(cat "$tmp/err")"
"$BIN" record tour -o keep.cast --force --keys q && cast check keep.cast >/dev/null && ok "--force replaces it" || no "--force"
"$BIN" record tour -o keep.txt --format text --keys q && "$BIN" record tour -o keep.txt --format text --keys q 2>/dev/null
[ $? -eq 1 ] && ok "--format text refuses an existing file too" || no "--format text overwrote a file"

# bad usage: exit 1, a message, no file
bad() { # NAME PATTERN ARGS...
	n=$1 pat=$2
	shift 2
	rm -f bad.cast
	"$BIN" record "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ $rc -eq 1 ] && grep -qE -- "$pat" "$tmp/err" && [ ! -e bad.cast ] && [ ! -s "$tmp/out" ]; then ok "bad usage: $n"; else
		no "bad usage: $n: exit $rc, $(head -c 300 "$tmp/err"), file: $(ls bad.cast 2>/dev/null)"
	fi
}
bad "no -o" '-o FILE' tour --keys q
bad "no scene" 'which scene' -o bad.cast --keys q
bad "unknown scene" 'nosuch' nosuch -o bad.cast --keys q
bad "unknown key" "unknown key 'spice'" tour -o bad.cast --keys "space spice"
bad "bad repeat" 'N from 1 to 10000' tour -o bad.cast --keys "space*0"
bad "bad wait" 'wait takes seconds' tour -o bad.cast --keys "wait:soon"
bad "bad size" '--size takes WxH' tour -o bad.cast --size 100 --keys q
bad "bad idle limit" '--idle-limit takes seconds' tour -o bad.cast --idle-limit -1 --keys q
bad "unknown option" "unknown option '--bogus'" tour -o bad.cast --bogus
bad "no terminal, no --keys" 'record a key script instead' tour -o bad.cast
bad "text without --keys" '--format text needs --keys' tour -o bad.cast --format text
bad "a directory that does not exist" "No such file or directory" tour -o "$tmp/no/such/dir.cast" --keys q
"$BIN" record --help | grep -q 'wait:S' && ok "record --help documents the key script" || no "record --help"

# --format text: a transcript for handouts
"$BIN" record concurrent-writes -o - --format text --size 80x24 --keys "1*3 2 q" >tr.txt
grep -q '^── 0.000s · start · step 0 ──$' tr.txt && grep -q '^── 2.000s · 2 · step' tr.txt &&
	grep -q '^» fatal: concurrent map writes$' tr.txt && ! grep -q "$(printf '\033')" tr.txt &&
	ok "--format text: headings, markers, screens, no escapes" || { no "--format text:"; head -20 tr.txt; }
n=$(grep -c '^── ' tr.txt)
[ "$n" -eq 5 ] && ok "--format text: a screen at the start and after each key but q" || no "--format text: $n screens"

# ---- 2. SIGKILL mid-way ---------------------------------------------------------
"$BIN" record "$top/tests/tui/scenes/long.yaml" -o k.cast --size 200x60 --keys "+*3 p wait:3600 wait:3600 q" &
pid=$!
sleep 0.3
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
if r=$(cast lines k.cast); then ok "killed with SIGKILL: parses up to the last complete line ($r)"; else no "SIGKILL: $r"; fi
tail -c 1 k.cast | od -An -c | grep -q '\\n' && cut="" || cut=" (cut mid-line)"
echo "     (the file has $(wc -l <k.cast) lines$cut)"

# ---- 3. in a terminal -------------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	echo "skip: tmux is not installed, the recording tests in a terminal did not run"
	counted record
	exit
fi
# settle: the screen stops changing
settle() {
	prev=""
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.1
		cur=$(screen)
		[ "$cur" = "$prev" ] && return
		prev=$cur
	done
}

start 100 30 "LANG=C.UTF-8" "'$BIN' record tour -o live.cast"
check "record: the TUI opens, REC in the header" 'step 0 .*REC'
T send-keys -t e2e Space Space n b
check "record: keys work" 'breakpoint: grow_start'
settle
screen >"$tmp/live-screen"
T send-keys -t e2e q
check "record: q ends it" 'EXIT:0'
check "record: terminal modes restored" 'TTY:OK'
screen | grep -q 'recorded live.cast' && ok "record: says where the recording is" || no "record: no 'recorded live.cast' line"
if r=$(cast check live.cast); then ok "record: asciicast v2 ($r)"; else no "record: $r"; fi
head -n 1 live.cast | grep -qE '"width": 100, "height": 30, "timestamp": [0-9]+, "title": "A tour of Go.s map", "env": \{"TERM": "[^"]+", "SHELL"' &&
	ok "record: header (size, timestamp, title, env)" || no "record: header $(head -n 1 live.cast)"
cast markers live.cast | grep -qx 'breakpoint: grow_start' && ok "record: the breakpoint is a marker" || no "record: markers $(cast markers live.cast)"
cast screen live.cast >"$tmp/replayed"
if cmp -s "$tmp/live-screen" "$tmp/replayed"; then ok "record: replayed = what tmux showed"; else
	no "record: replayed screen differs from tmux:"
	diff "$tmp/live-screen" "$tmp/replayed" | head -10
fi

# r and e in a TUI that is not recording; a resize while recording
start 90 28 "LANG=C.UTF-8" "'$BIN' tour"
check "r: the TUI opens without REC" 'step 0 '
screen | head -n 1 | grep -q REC && no "r: REC before r" || ok "r: no REC before r"
T send-keys -t e2e Space r
check "r: starts recording to tour-1.cast" 'recording to tour-1.cast'
screen | head -n 1 | grep -q 'REC' && ok "r: REC in the header" || no "r: no REC in the header"
T send-keys -t e2e Space 1
check "r: keys while recording" 'step 25 '
T resize-window -t e2e -x 100 -y 30
check "r: resized while recording" 'space → step.*Tab panel'
settle
screen >"$tmp/r-screen"
T send-keys -t e2e r
check "r again: stops, says where" 'recording saved to tour-1.cast'
screen | head -n 1 | grep -q REC && no "r again: REC gone" || ok "r again: REC gone"
T send-keys -t e2e e
check "e: exports the screen" 'screen is in tour-step25.txt'
screen >"$tmp/e-screen"
T send-keys -t e2e r
check "r a third time: the next file, tour-2.cast" 'recording to tour-2.cast'
T send-keys -t e2e q
check "r: q quits" 'EXIT:0'
check "r: terminal modes restored" 'TTY:OK'
if r=$(cast check tour-1.cast); then ok "r: tour-1.cast is asciicast v2 ($r)"; else no "r: $r"; fi
cast check tour-2.cast >/dev/null && ok "r: tour-2.cast too" || no "r: tour-2.cast"
head -n 1 tour-1.cast | grep -q '"width": 90, "height": 28' && ok "r: the header has the size at the start" || no "r: header $(head -n 1 tour-1.cast)"
grep -q '^\[[0-9.]*, "r", "100x30"\]$' tour-1.cast && ok "r: the resize is an \"r\" event" || no "r: no resize event"
cast markers tour-1.cast | grep -qx 'manual: G1 (main)' && ok "r: the manual pick is a marker" || no "r: markers: $(cast markers tour-1.cast)"
cast screen tour-1.cast >"$tmp/replayed"
if cmp -s "$tmp/r-screen" "$tmp/replayed"; then ok "r: replayed = what tmux showed when r stopped it"; else
	no "r: replayed differs:"
	diff "$tmp/r-screen" "$tmp/replayed" | head -10
fi
# the exported text is the screen (without the message line, which says where it went)
sed 's/ *$//' tour-step25.txt | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' | head -n 28 >"$tmp/e-text"
head -n 28 "$tmp/e-screen" >"$tmp/e-want"
cmp -s "$tmp/e-text" "$tmp/e-want" && ok "e: the .txt is the screen" || { no "e: the .txt differs:"; diff "$tmp/e-want" "$tmp/e-text" | head; }
grep -q "$(printf '\033')\[0;1;7;36" tour-step25.ans && ok "e: the .ans has the colors" || no "e: the .ans has no SGR"

# SIGKILL in the middle of a recording
start 100 30 "LANG=C.UTF-8" "'$BIN' record tour -o killed.cast"
check "SIGKILL: opens" 'step 0 .*REC'
T send-keys -t e2e Space Space Space
check "SIGKILL: steps" 'step 25 '
settle
screen >"$tmp/k-screen"
pid=$(mapviz_pid)
[ -n "$pid" ] && kill -KILL "$pid"
check "SIGKILL: killed" 'EXIT:137'
if r=$(cast check killed.cast); then ok "SIGKILL: the recording parses ($r)"; else no "SIGKILL: $r"; fi
cast screen killed.cast >"$tmp/replayed"
cmp -s "$tmp/k-screen" "$tmp/replayed" && ok "SIGKILL: it plays up to the last step" || { no "SIGKILL: replay differs:"; diff "$tmp/k-screen" "$tmp/replayed" | head; }
T kill-server >/dev/null 2>&1

counted record
