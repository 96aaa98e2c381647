#!/bin/sh
# tests/export/run.sh MAPVIZ_BIN — `mapviz export` and the TUI's e key;
# ends with "export: N passed, N failed".
#
# The pictures are read back by tests/export/pic.py, with readers of its
# own (XML for SVG, zlib for PNG, an LZW decoder for GIF):
#  - an SVG's text is the screen `mapviz --dump` prints, cell for cell;
#  - a PNG's cells have the SVG's colors (blank cells their background all
#    over, glyphs their color), and known cells the theme's color for
#    their role (Tango palette, export_color.c);
#  - a GIF has one frame per screen change with the key script's delays,
#    its last frame has exactly the SVG's colors, a 60-step session at
#    100x30 is under 2 MB;
#  - files are never replaced without --force; bad usage exits 1 with a
#    message that says what is wrong;
#  - the TUI's e and E keys, headless and in a real terminal (tmux): the
#    files, their full paths, the screen left as it was.
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/count.sh"
layer_tmp
E2E_NAME=mapviz-export E2E_DIR=$tmp E2E_TRIM=1
. "$here/../lib/e2e.sh"
export MAPVIZ_SCENES="$top/scenes"
export MAPVIZ_THEMES="$top/assets/themes"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset NO_COLOR MAPVIZ_ASCII

pic() { python3 "$here/pic.py" "$@"; }
cd "$tmp" || exit 1

# ---- 1. the done-when commands: every kind writes --------------------------------
for f in t.png t.svg t.txt t.ans; do
	if "$BIN" export tour --step 229 -o "$f" 2>"$tmp/err" && [ -s "$f" ]; then
		ok "export tour --step 229 -o $f"
	else
		no "export tour --step 229 -o $f: $(cat "$tmp/err")"
	fi
done
"$BIN" export tour --keys "space*20 q" -o t.gif 2>"$tmp/err" && [ -s t.gif ] && ok "export tour --keys ... -o t.gif" ||
	no "export -o t.gif: $(cat "$tmp/err")"
head -c 8 t.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" && ok "t.png is a PNG" || no "t.png is not a PNG"
head -c 6 t.gif | grep -q GIF89a && ok "t.gif is a GIF89a" || no "t.gif is not a GIF89a"
grep -q "<title>tour — step 229</title>" t.svg && ok "SVG title names scene and step" || no "SVG title: $(grep -o '<title>.*</title>' t.svg)"
grep -q 'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace"' t.svg && ok "SVG font stack" || no "SVG font stack"
grep -q "mapviz export: wrote $tmp/t.png" "$tmp/err" 2>/dev/null || "$BIN" export tour -o t2.png 2>"$tmp/err"
grep -q "wrote /.*t2\?.png" "$tmp/err" && ok "the message names the file by its full path" || no "message: $(cat "$tmp/err")"

# ---- 2. cell for cell: SVG text and .txt = --dump --------------------------------
# NAME|SCENE|OPTIONS (as --dump takes them too)|KEYS
while IFS='|' read -r name scene opts keys; do
	case $name in '' | '#'*) continue ;; esac
	set -- --keys "$keys"
	[ -n "$keys" ] || set --
	# shellcheck disable=SC2086
	"$BIN" "$scene" --dump $opts "$@" >"$name.dump" 2>"$tmp/err" || { no "$name: --dump: $(cat "$tmp/err")"; continue; }
	# shellcheck disable=SC2086
	if ! "$BIN" export "$scene" $opts "$@" -o "$name.svg" 2>"$tmp/err" || ! "$BIN" export "$scene" $opts "$@" -o "$name.txt" 2>>"$tmp/err" ||
		! "$BIN" export "$scene" $opts "$@" -o "$name.png" 2>>"$tmp/err"; then
		no "$name: export: $(cat "$tmp/err")"
		continue
	fi
	pic svg-text "$name.svg" >"$name.svgtext" 2>"$tmp/err" && cmp -s "$name.svgtext" "$name.dump" &&
		ok "$name: SVG text = --dump" || no "$name: SVG text differs from --dump: $(diff "$name.dump" "$name.svgtext" | head -5) $(cat "$tmp/err")"
	cmp -s "$name.txt" "$name.dump" && ok "$name: .txt = --dump" || no "$name: .txt differs from --dump"
	out=$(pic png-check "$name.png" "$name.svg" 2>&1) && ok "$name: PNG cells have the SVG's colors ($out)" ||
		no "$name: PNG: $out"
done <<'EOF'
tour229|tour|--size 100x30 --step 229|
tour-small|tour|--size 80x24 --step 40|
tour-keys|tour|--size 100x30|n*3 tab enter
crash|concurrent-writes|--size 100x30|End
swiss|swiss-probe|--size 120x36 --step 30|
light|tour|--size 100x30 --step 120 --theme light|
contrast|concurrent-writes|--size 100x30 --theme high-contrast|End
ascii|tour|--size 100x30 --step 229 --ascii|
help|tour|--size 100x30|?
go126|tour|--size 100x30 --step 60 --go 1.26|
EOF
# the .ans is the screen with SGR colors: without them (and the blanks a
# colored row ends with), the text again
sed 's/\x1b\[[0-9;]*m//g; s/ *$//' t.ans >t.ans.txt
"$BIN" tour --dump --size 100x30 --step 229 >t.dump
cmp -s t.ans.txt t.dump && ok ".ans without its colors = --dump" || no ".ans text differs from --dump"
grep -q "$(printf '\033')\[" t.ans && ok ".ans has SGR colors" || no ".ans has no colors"

# ---- 3. colors of known cells: the theme's role, in the Tango palette ------------
# a role's fg in a theme file, as the palette's RGB (export_color.c)
role_rgb() { # THEME ROLE
	name=$(sed -n "s/^  $2: {fg: \([a-z-]*\).*/\1/p" "$top/assets/themes/$1.yaml")
	case $name in
	black) echo "#2e3436" ;; red) echo "#cc0000" ;; green) echo "#4e9a06" ;; yellow) echo "#c4a000" ;;
	blue) echo "#3465a4" ;; magenta) echo "#75507b" ;; cyan) echo "#06989a" ;; white) echo "#d3d7cf" ;;
	bright-black) echo "#555753" ;; bright-red) echo "#ef2929" ;; bright-green) echo "#8ae234" ;;
	bright-yellow) echo "#fce94f" ;; bright-blue) echo "#729fcf" ;; bright-magenta) echo "#ad7fa8" ;;
	bright-cyan) echo "#34e2e2" ;; bright-white) echo "#eeeeec" ;; *) echo "?$name" ;;
	esac
}
# the goroutines panel's left border (a │; the panel has no focus): its
# centre pixel is on the line
blue=$(role_rgb default border)
set -- $(pic find tour229.dump "┌ goroutines")
c=$(pic png-cell tour229.png "$1" "$(($2 + 1))" "$blue")
[ "$c" = "centre $blue nearest 0" ] && ok "a border cell is the theme's border color $blue" || no "border cell: $c (want $blue)"
# the fatal report's border and its first line, in the crash
red=$(role_rgb default overlay_border)
set -- $(pic find crash.dump "fatal error: the program died")
col=$(($1 - 2)) row=$2
c=$(pic png-cell crash.png "$col" "$((row + 1))" "$red")
[ "$c" = "centre $red nearest 0" ] && ok "the fatal report's border is overlay_border's $red" || no "fatal border cell $col,$((row + 1)): $c"
set -- $(pic find crash.dump "fatal error: concurrent map writes")
fatal=$(role_rgb default fatal)
c=$(pic png-cell crash.png "$1" "$2" "$fatal")
case $c in *" nearest "[0-9]) ok "a fatal cell shows the fatal role's $fatal ($c)" ;; *) no "fatal cell $1,$2: $c (want $fatal)" ;; esac
# themes: the light one is light, the dark one dark (the corner is the margin)
[ "$(pic png-pixel light.png 2 2)" = "#ffffff" ] && ok "light theme: a white picture" || no "light theme background: $(pic png-pixel light.png 2 2)"
[ "$(pic png-pixel tour229.png 2 2)" = "#1c1c1c" ] && ok "default theme: a dark picture" || no "default background: $(pic png-pixel tour229.png 2 2)"
set -- $(pic find light.dump "┌ goroutines")
c=$(pic png-cell light.png "$1" "$(($2 + 1))" "$(role_rgb light border)")
[ "$c" = "centre $(role_rgb light border) nearest 0" ] && ok "light theme: border is its blue" || no "light border: $c"
# NO_COLOR: only the default colors (and their dim blend)
NO_COLOR=1 "$BIN" export tour --step 229 -o mono.svg 2>/dev/null
n=$(grep -o 'fill="#[0-9a-f]*"' mono.svg | sort -u | wc -l)
[ "$n" -le 3 ] && ok "NO_COLOR: $n colors in the SVG" || no "NO_COLOR: $n colors: $(grep -o 'fill="#[0-9a-f]*"' mono.svg | sort -u | tr '\n' ' ')"
n=$(grep -o 'fill="#[0-9a-f]*"' tour229.svg | sort -u | wc -l)
[ "$n" -gt 5 ] && ok "colors: $n in the SVG" || no "colors: only $n in the SVG"
grep -q '&lt;' tour229.svg && ok "SVG escapes < and &" || no "no escaped characters in help.svg"

# ---- 4. GIF: frames, delays, loop, last frame, size -------------------------------
gifinfo() { pic gif-info "$1" 2>&1; }
# five screens (each n moves on), half a second each (the default delay);
# the last is shown until q
"$BIN" export tour --size 100x30 --keys "n*4 q" -o n4.gif 2>"$tmp/err" || no "n4.gif: $(cat "$tmp/err")"
info=$(gifinfo n4.gif)
printf '%s\n' "$info" | grep -q "^size 916x556 loop 0 frames 5$" && ok "GIF: 5 frames for 5 screens, 916x556, loops forever" || no "GIF n4: $info"
printf '%s\n' "$info" | grep -q "^delays 50 50 50 50 50$" && ok "GIF: delays of the key script (0.5 s)" || no "GIF n4 delays: $info"
printf '%s\n' "$info" | grep -q "^rects 0,0,916,556 " && ok "GIF: first frame whole, later ones the changed part" || no "GIF rects: $info"
printf '%s\n' "$info" | sed -n 's/^rects 0,0,916,556 //p' | grep -q "0,0,916,556" && no "GIF: a later frame is the whole screen" || ok "GIF: later frames are smaller"
"$BIN" export tour --size 100x30 --keys "n*4" -o n4.svg 2>/dev/null
out=$(pic gif-check n4.gif n4.svg 2>&1) && ok "GIF: last frame has the screen's colors exactly ($out)" || no "GIF last frame: $out"
"$BIN" export tour --size 100x30 --keys "delay:0.2 n n wait:1 q" -o w.gif 2>/dev/null
gifinfo w.gif | grep -q "^delays 20 20 120$" && ok "GIF: delay: and wait: set the delays" || no "GIF delays with wait: $(gifinfo w.gif)"
"$BIN" export tour --size 100x30 --keys "n*4 q" --speed 2 --loop 3 -o fast.gif 2>/dev/null
gifinfo fast.gif | grep -q "^size 916x556 loop 2 frames 5$" && gifinfo fast.gif | grep -q "^delays 25 25 25 25 25$" &&
	ok "GIF: --speed 2 halves the delays, --loop 3 (played, so 2 repeats)" || no "GIF --speed/--loop: $(gifinfo fast.gif)"
"$BIN" export tour --size 100x30 --keys "n q" --no-loop -o once.gif 2>/dev/null
gifinfo once.gif | grep -q "loop None" && ok "GIF: --no-loop has no loop block" || no "GIF --no-loop: $(gifinfo once.gif)"
# identical screens make no frame: Ctrl-L redraws the same screen
"$BIN" export tour --size 100x30 --keys "n ctrl-l ctrl-l q" -o same.gif 2>/dev/null
gifinfo same.gif | grep -q "frames 2$" && gifinfo same.gif | grep -q "^delays 50 150$" && ok "GIF: a screen that did not change is no frame" ||
	no "GIF identical screens: $(gifinfo same.gif)"
# play: many frames, their delays add up to the session's virtual time
"$BIN" export tour --size 100x30 --keys "p wait:3 q" -o play.gif 2>/dev/null
info=$(gifinfo play.gif)
sum=$(printf '%s\n' "$info" | sed -n 's/^delays //p' | tr ' ' '\n' | awk '{s += $1; if ($1 < 2) small++} END {print s + 0, small + 0}')
frames=$(printf '%s\n' "$info" | sed -n 's/.*frames \([0-9]*\)$/\1/p')
[ "$sum" = "400 0" ] && [ "${frames:-0}" -gt 5 ] && ok "GIF: playing, $frames frames, delays add up to 4 s, none under 20 ms" ||
	no "GIF play: delays sum/small '$sum', frames $frames"
"$BIN" export tour --size 100x30 --keys "space*60" -o s60.gif 2>/dev/null
size=$(wc -c <s60.gif)
[ "$size" -lt 2000000 ] && ok "GIF: 60 steps at 100x30 is $size bytes (< 2 MB)" || no "GIF: 60 steps is $size bytes"
"$BIN" export tour --size 100x30 --keys "p wait:30 q" -o p30.gif 2>/dev/null
size=$(wc -c <p30.gif)
[ "$size" -lt 2000000 ] && ok "GIF: 30 s of play at 100x30 is $size bytes (< 2 MB)" || no "GIF: 30 s of play is $size bytes"
if command -v gifsicle >/dev/null 2>&1; then
	n=$(gifsicle --info n4.gif | grep -c "^  + image")
	[ "$n" = 5 ] && ok "gifsicle reads 5 images" || no "gifsicle: $n images"
fi

# ---- 5. never replacing a file; bad usage ----------------------------------------
echo keep >keep.png
if "$BIN" export tour -o keep.png 2>"$tmp/err"; then
	no "an existing file was replaced"
else
	grep -q "keep.png exists; not overwriting it (--force replaces it)" "$tmp/err" && [ "$(cat keep.png)" = keep ] &&
		ok "an existing file is kept, and said so" || no "existing file: $(cat "$tmp/err")"
fi
"$BIN" export tour -o keep.png --force 2>/dev/null && head -c 4 keep.png | grep -q PNG && ok "--force replaces it" || no "--force"
echo keep >keep.gif
"$BIN" export tour --keys "n q" -o keep.gif 2>/dev/null
[ "$(cat keep.gif)" = keep ] && ok "an existing .gif is kept" || no "an existing .gif was replaced"
mkdir -p outdir
"$BIN" export tour --out-dir outdir -o od.svg 2>/dev/null && [ -s outdir/od.svg ] && ok "--out-dir DIR: the file goes there" || no "--out-dir"
# CASE|ARGS|message (grep -E)
while IFS='|' read -r case args want; do
	case $case in '' | '#'*) continue ;; esac
	# shellcheck disable=SC2086
	eval "set -- $args"
	"$BIN" export "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -qE -- "$want" "$tmp/err"; then
		ok "usage: $case"
	else
		no "usage: $case: exit $rc: $(cat "$tmp/err")"
	fi
done <<'EOF'
bad extension|tour -o x.jpg|cannot write '\.jpg' files; the file's name ends in \.svg \.png \.txt \.ans \.gif or \.html
no extension|tour -o picture|'picture' has no extension
bad size|tour --size 100by30 -o x.png|--size takes WxH .*found '100by30'
zero size|tour --size 0x30 -o x.png|--size takes WxH
huge picture|tour --size 1000x1000 -o x.png|--size: a picture is at most 500x300 cells; found 1000x1000
html step without keys|tour --step 3 -o x.html|--step with .html: add --keys
step past the end|tour --step 99999 -o x.png|--step 99999: tour ends at step [0-9]+ \(.*\); take a step from 0 to [0-9]+
bad step|tour --step -3 -o x.png|--step takes a number
no -o|tour --step 3|where to\? -o FILE
no scene|-o x.png|which scene\?
unknown scene|tuor -o x.png|no scene named 'tuor'; did you mean 'tour'
two scenes|tour growth -o x.png|one scene at a time
gif without keys|tour -o x.gif|a \.gif is a scripted session: add --keys
bad keys|tour --keys "space*0" -o x.png|--keys: 
bad option|tour --frobnicate -o x.png|unknown option '--frobnicate'
speed for a still|tour --speed 2 -o x.png|--speed is for \.gif and \.html
bad speed|tour --keys q --speed 0 -o x.gif|--speed takes a factor
loop for a still|tour --loop 2 -o x.svg|--loop and --no-loop are for \.gif
lesson not html|--lesson tour growth -o x.png|--lesson writes a course page
bad theme|tour --theme nosuch -o x.png|nosuch
bad go|tour --go 1.20 -o x.png|--go takes 1.19 or 1.26
EOF
ls x.* >/dev/null 2>&1 && no "a failed export left a file: $(ls x.*)" || ok "no file is left by a failed export"
"$BIN" export --help | grep -q "usage: mapviz export SCENE -o FILE" && ok "export --help" || no "export --help"
"$BIN" --help | grep -q "^  export " && ok "mapviz --help lists export" || no "mapviz --help lacks export"
# .html goes to the page writer (export_html.c), not to an extension error
"$BIN" export tour --keys "n q" -o page.html >/dev/null 2>"$tmp/err"
grep -q "cannot write\|no extension" "$tmp/err" && no ".html is refused: $(cat "$tmp/err")" || ok ".html reaches the page writer"

# ---- 6. the TUI's e and E keys (headless: --dump presses them) ---------------------
# e writes .txt and .ans; E turns it to .png, then .svg, then back
mkdir -p keys
"$BIN" tour --dump --size 100x30 --out-dir keys --keys "space e" >e1.dump 2>"$tmp/err"
[ -s keys/tour-step9.txt ] && [ -s keys/tour-step9.ans ] && ok "e writes SCENE-stepN.txt and .ans" || no "e: $(ls keys) $(cat "$tmp/err")"
grep -q "screen is in tour-step9.txt (text) and .ans (colors), in $tmp/keys" e1.dump && ok "e names the files and their full path" ||
	no "e's message: $(tail -n 3 e1.dump)"
"$BIN" tour --dump --size 100x30 --out-dir keys --keys "space E" >e2.dump 2>&1
grep -q "e saves the screen as .png now (E: as .svg)" e2.dump && ok "E says what e saves now" || no "E's message: $(tail -n 3 e2.dump)"
"$BIN" tour --dump --size 100x30 --out-dir keys --keys "space E e" >e3.dump 2>&1
[ -s keys/tour-step9.png ] && ok "E e writes SCENE-stepN.png" || no "E e: $(ls keys)"
grep -q "screen is in tour-step9.png, in $tmp/keys" e3.dump && ok "E e names the PNG by its full path" || no "E e's message: $(tail -n 3 e3.dump)"
"$BIN" tour --dump --size 100x30 --out-dir keys --keys "space E e" >/dev/null 2>&1
[ -s keys/tour-step9-2.png ] && ok "E e again: SCENE-stepN-2.png, nothing replaced" || no "E e twice: $(ls keys)"
"$BIN" tour --dump --size 100x30 --out-dir keys --keys "space E E e" >/dev/null 2>&1
[ -s keys/tour-step9.svg ] && grep -q "<title>tour — step 9</title>" keys/tour-step9.svg && ok "E E e writes an SVG" || no "E E e: $(ls keys)"
"$BIN" tour --dump --size 100x30 --out-dir keys --keys "space E E E" >e4.dump 2>&1
grep -q "e saves the screen as .txt and .ans now (E: as .png)" e4.dump && ok "E a third time: back to text" || no "E E E: $(tail -n 3 e4.dump)"
# what e saved is the screen when e was pressed, cell for cell
"$BIN" tour --dump --size 100x30 --keys "space E E" >k9.dump
pic svg-text keys/tour-step9.svg >k9.svgtext
cmp -s k9.svgtext k9.dump && ok "e's SVG is the screen, cell for cell" || no "e's SVG differs: $(diff k9.dump k9.svgtext | head -5)"
"$BIN" tour --dump --size 100x30 --keys "space E" >k9p.dump
"$BIN" export tour --size 100x30 --keys "space E" -o k9p.svg 2>/dev/null
out=$(pic png-check keys/tour-step9.png k9p.svg 2>&1) && ok "e's PNG has the screen's colors ($out)" || no "e's PNG: $out"

# ---- 7. e and E in a real terminal (tmux) -----------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	echo "skip: tmux is not installed, e and E were not tried in a terminal"
else
	mkdir -p "$tmp/tty"
	start 100 30 "LANG=C.UTF-8" "'$BIN' --out-dir '$tmp/tty' tour"
	check "tmux: the tour opens" 'step 0 '
	T send-keys -t e2e space
	check "tmux: space steps" 'step 9 '
	T send-keys -t e2e E
	check "tmux: E says e saves a PNG now" 'e saves the screen as .png now'
	T send-keys -t e2e e
	check "tmux: e names the PNG and its directory" "screen is in tour-step9.png, in $tmp/tty"
	screen >"$tmp/tty-after"
	[ -s "$tmp/tty/tour-step9.png" ] && head -c 4 "$tmp/tty/tour-step9.png" | grep -q PNG && ok "tmux: the PNG is written" ||
		no "tmux: no PNG: $(ls "$tmp/tty")"
	# nothing but the message changed on the screen: no stray output
	"$BIN" tour --dump --size 100x30 --keys "space" | sed 's/ *$//' | head -n 27 >"$tmp/tty-want"
	head -n 27 "$tmp/tty-after" >"$tmp/tty-got"
	cmp -s "$tmp/tty-want" "$tmp/tty-got" && ok "tmux: the screen is intact after e" ||
		no "tmux: the screen after e differs: $(diff "$tmp/tty-want" "$tmp/tty-got" | head -6)"
	T send-keys -t e2e E e
	check "tmux: E e writes the SVG" "screen is in tour-step9.svg, in $tmp/tty"
	T send-keys -t e2e q
	check "tmux: q quits" 'EXIT:0'
	check "tmux: terminal modes restored" 'TTY:OK'
fi

counted export
