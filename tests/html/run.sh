#!/bin/sh
# tests/html/run.sh MAPVIZ_BIN — `mapviz export -o F.html` and `--lesson`;
# ends with "html: N passed, N failed".
#
# 1. The command: the page holds the very cast `mapviz record` makes of the
#    same keys; it loads nothing from a network; a scene's text is escaped;
#    the default session walks the scene to its end; --go; an existing file
#    is kept; a bad scene is named FILE:LINE:COL.
# 2. In a real browser (Debian's headless chromium over its DevTools
#    protocol, tests/html/drive.js): the player shows the first frame, the
#    marker list is the cast's, clicking a marker shows its frame (the
#    screens are worked out apart, by tests/html/expect.py through a
#    terminal emulator), prev/next, play/pause, speed, no console error, no
#    request but the file; a lesson page's contents, players and captions,
#    one player playing at a time.  chromium is installed by
#    `tests/check-deps.sh test`; without it this layer fails.
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/count.sh"
layer_tmp
export MAPVIZ_SCENES="$top/scenes"
export MAPVIZ_THEMES="$top/assets/themes"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset SOURCE_DATE_EPOCH

finish() {
	counted html
	exit
}

# a python3 that has pyte (Debian's python3-pyte is in /usr/lib/python3)
PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pyte' >/dev/null 2>&1; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || { no "python3 with pyte (python3-pyte) is not installed: the screens cannot be worked out"; PY=python3; }
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
browser=1
if [ ! -x "$CHROMIUM" ]; then
	no "$CHROMIUM is not installed (tests/check-deps.sh test installs Debian's chromium): the pages are not opened"
	browser=0
fi
command -v node >/dev/null 2>&1 || { no "node is not installed: the browser cannot be driven"; browser=0; }

export_ok() { # NAME ARGS...: mapviz export ARGS succeeds
	name=$1
	shift
	"$BIN" export "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "$name"
		return 0
	fi
	no "$name: exit $rc: $(head -c 300 "$tmp/err")"
	return 1
}

# ---- 1. the command -------------------------------------------------------------
keys="space*20 q"
export_ok "export tour --keys \"$keys\" -o t.html" tour --keys "$keys" -o "$tmp/t.html"
"$BIN" record tour --keys "$keys" --size 100x30 -o "$tmp/t.cast" 2>"$tmp/err"
if "$PY" "$here/expect.py" cast "$tmp/t.html" 0 >"$tmp/page.cast" && cmp -s "$tmp/page.cast" "$tmp/t.cast"; then
	ok "the page's cast is mapviz record's of the same keys, byte for byte"
else
	no "the page's cast differs from mapviz record tour --keys \"$keys\""
fi
title=$(sed -n 's/^title: *"\(.*\)"$/\1/p' "$top/scenes/tour.yaml" | sed "s/'/\&#39;/g")
if grep -q "<h1 class=\"mv-title\">$title</h1>" "$tmp/t.html" && grep -q 'class="mv-summary"' "$tmp/t.html" &&
	grep -q 'Models <span class="mv-go">Go 1.19' "$tmp/t.html"; then
	ok "the title, summary and Go runtime stand above the player"
else
	no "the page lacks the scene's title ($title), summary or Go runtime"
fi
# nothing loaded from elsewhere: no src/href/url()/@import to a network, a CSP that forbids it
if grep -qiE "(src|href|action)=[\"']?(https?:)?//|url\([\"']?(https?:)?//|@import|<link " "$tmp/t.html"; then
	no "the page names something to load from a network: $(grep -oiE "(src|href|action)=[\"']?(https?:)?//[^ ]{0,40}|url\([^)]{0,40}|@import[^;]{0,40}|<link [^>]{0,40}" "$tmp/t.html" | head -n 3 | tr '\n' ' ')"
elif grep -q "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" "$tmp/t.html"; then
	ok "the page loads nothing from a network (and its CSP says so)"
else
	no "the page has no Content-Security-Policy that keeps it offline"
fi
n=$(grep -o '<script' "$tmp/t.html" | wc -l)
m=$(grep -o '</script' "$tmp/t.html" | wc -l)
if [ "$n" -eq 3 ] && [ "$m" -eq 3 ]; then ok "3 <script> elements, each closed once (the inlined texts hold no </script)"; else no "<script> $n, </script> $m: expected 3 and 3"; fi

# a scene's text is escaped: a title and summary that would be markup
sed -e 's|^title: .*|title: "</script><b>bold</b> \& <i>"|' -e 's|^summary: .*|summary: "x < y \&\& \\"q\\" '"'"'s </style>"|' \
	"$top/scenes/nil-map.yaml" >"$tmp/esc.yaml"
if export_ok "export a scene whose title is markup" "$tmp/esc.yaml" --keys "space*2" -o "$tmp/esc.html"; then
	if grep -qF '<h1 class="mv-title">&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;</h1>' "$tmp/esc.html" &&
		grep -qF '<p class="mv-summary">x &lt; y &amp;&amp; &quot;q&quot; &#39;s &lt;/style&gt;</p>' "$tmp/esc.html" &&
		! grep -qF '<b>bold' "$tmp/esc.html" && [ "$(grep -o '</script' "$tmp/esc.html" | wc -l)" -eq 3 ]; then
		ok "the scene's title and summary are escaped in the page (and in the cast's JSON)"
	else
		no "the title or summary is not escaped: $(grep -o '<h1[^\n]\{0,80\}' "$tmp/esc.html" | head -n 1)"
	fi
fi

# the default session: one runtime step every 0.25 s to the end (nil-map's
# keys run single steps already: no o first); a challenge plays its win
steps=$("$BIN" run nil-map --format jsonl 2>/dev/null | sed -n 's/^{"type":"end","steps":\([0-9]*\),.*/\1/p')
if export_ok "export nil-map without --keys" nil-map -o "$tmp/nil.html"; then
	k=$(sed -n 's/.*<code class="mv-keys">\([^<]*\)<.*/\1/p' "$tmp/nil.html")
	if [ -n "$steps" ] && [ "$k" = "delay:0.25 space*$steps wait:2" ]; then
		ok "the default session steps nil-map to its end ($k)"
	else
		no "the default session of nil-map is '$k', expected 'delay:0.25 space*$steps wait:2'"
	fi
	"$PY" "$here/expect.py" json "$tmp/nil.html" >"$tmp/nil.json" 2>"$tmp/err"
	if grep -q 'step '"$steps"' ' "$tmp/nil.json" && grep -q 'panic' "$tmp/nil.json"; then
		ok "its recording reaches the end (step $steps, the panic) and marks it"
	else
		no "the default recording of nil-map does not reach step $steps and its panic"
	fi
fi
if export_ok "export challenge-01-two-writers without --keys" challenge-01-two-writers -o "$tmp/ch.html"; then
	k=$(sed -n 's/.*<code class="mv-keys">\([^<]*\)<.*/\1/p' "$tmp/ch.html")
	"$PY" "$here/expect.py" json "$tmp/ch.html" >"$tmp/ch.json" 2>"$tmp/err"
	case "$k" in
	"delay:0.25 "[1-2]*" wait:3")
		if grep -q 'challenge: won in' "$tmp/ch.json"; then
			ok "a challenge's page plays its shortest win ($k)"
		else
			no "a challenge's default session ($k) does not win"
		fi
		;;
	*) no "a challenge's default session is '$k', expected its win as digits" ;;
	esac
fi
if export_ok "export tour --go 1.26" tour --go 1.26 --keys "space*3" -o "$tmp/go.html"; then
	if grep -q 'Models <span class="mv-go">Go 1.26' "$tmp/go.html" && "$PY" "$here/expect.py" json "$tmp/go.html" | grep -q 'Go 1.26'; then
		ok "--go 1.26: the page and its recording model Go 1.26"
	else
		no "--go 1.26 is not what the page shows"
	fi
fi
if export_ok "export tour --ascii --speed 2 --size 90x28" tour --keys "space*3" --ascii --speed 2 --size 90x28 -o "$tmp/asc.html"; then
	"$PY" "$here/expect.py" cast "$tmp/asc.html" 0 >"$tmp/asc.cast"
	if ! LC_ALL=C grep -q "$(printf '[\200-\377]')" "$tmp/asc.cast" && head -n 1 "$tmp/asc.cast" | grep -q '"width": 90, "height": 28' &&
		grep -q '<option value="2" selected>' "$tmp/asc.html" && grep -q '{"speed": 2, "casts"' "$tmp/asc.html"; then
		ok "--ascii, --size and --speed reach the recording and the player"
	else
		no "--ascii --speed 2 --size 90x28: the cast is not ASCII at 90x28, or the page's speed is not 2"
	fi
fi
before=$(cksum <"$tmp/t.html")
if "$BIN" export tour --keys "space" -o "$tmp/t.html" 2>"$tmp/err"; then
	no "an existing page was replaced without --force"
elif grep -q "t.html exists; not overwriting it (--force replaces it)" "$tmp/err" && [ "$(cksum <"$tmp/t.html")" = "$before" ]; then
	ok "an existing page is kept without --force (and said so)"
else
	no "an existing page without --force: $(cat "$tmp/err")"
fi
printf 'mapviz: 1\ntitle: "bad"\nsummary: "s"\nmap: {impl: gomap, key: nope}\nworkers: []\n' >"$tmp/bad.yaml"
if "$BIN" export "$tmp/bad.yaml" --lesson nil-map -o "$tmp/bad.html" 2>"$tmp/err" >/dev/null; then
	no "a bad scene in a lesson was exported"
elif grep -qE "bad\.yaml:[0-9]+:[0-9]+: " "$tmp/err" && [ ! -e "$tmp/bad.html" ]; then
	ok "a bad scene in a lesson: FILE:LINE:COL, exit 1, no page"
else
	no "a bad scene in a lesson: $(cat "$tmp/err")"
fi

# ---- 2. in the browser -----------------------------------------------------------
drive() { # NAME PAGE scene|lesson
	if ! "$PY" "$here/expect.py" json "$2" >"$tmp/want.json" 2>"$tmp/err"; then
		no "$1: the page's casts cannot be replayed: $(head -c 300 "$tmp/err")"
		return
	fi
	node "$here/drive.js" "$CHROMIUM" "$2" "$tmp/want.json" "$3" >"$tmp/drive" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$1: ${line#ok }" ;;
		"FAIL "*) no "$1: ${line#FAIL }" ;;
		*) echo "     $line" ;;
		esac
	done <"$tmp/drive"
	grep -q '^ok ' "$tmp/drive" || [ "$rc" -ne 0 ] || no "$1: the browser test checked nothing"
	[ "$rc" -eq 0 ] || grep -q '^FAIL ' "$tmp/drive" || no "$1: the browser test exited $rc"
}
if [ "$browser" = 1 ]; then
	drive "tour page" "$tmp/t.html" scene
	if export_ok "export --lesson tour delete swiss-small -o course.html" --lesson tour delete swiss-small --keys "space*12" -o "$tmp/course.html"; then
		drive "course page" "$tmp/course.html" lesson
	fi
fi
finish
