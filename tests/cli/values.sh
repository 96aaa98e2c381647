#!/bin/sh
# Values that flow (load into:, "$v+1") and challenges (challenge:, the
# proof `mapviz test` gives of each).  Ends with "values: N passed, N failed".
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
SC="$here/../../scenes"
. "$here/../lib/count.sh"
layer_tmp

# stores FILE: "key=value" of every store op of a JSON Lines run, one a line
stores() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "op" and o["op"] == "store":
        print("%s=%s" % (o["key"], o["value"]))
' "$1"
}
# intos FILE: "op key var=value" of every op that binds a variable
intos() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type"] == "op" and "into" in o:
        print("%s %s %s=%s" % (o["op"], o["key"], o["into"]["var"], o["into"]["value"]))
' "$1"
}
same() { # name got want
	if [ "$2" = "$3" ]; then ok "$1"; else no "$1: got [$2], want [$3]"; fi
}

# ---- a read-modify-write on a SafeMap: three increments, then a miss ----
cat >"$tmp/rmw.yaml" <<'EOF'
mapviz: 1
title: rmw
map: {impl: mutex, key: int, seed: 1}
workers:
  - name: a
    program:
      - store: {key: 1, value: 5}
      - repeat: {times: 3, do: [{load: {key: 1, into: v}}, {store: {key: 1, value: "$v+1"}}]}
      - load: {key: 2, into: w}
      - store: {key: 3, value: "$w-1"}
EOF
"$BIN" run "$tmp/rmw.yaml" --format jsonl >"$tmp/rmw.jsonl" 2>"$tmp/err" || no "run rmw: $(cat "$tmp/err")"
same "three read-modify-writes leave 8; a missed load binds 0" "$(stores "$tmp/rmw.jsonl" | tr '\n' ' ')" \
	"1=5 1=6 1=7 1=8 3=-1 "
same "op records say what into: bound" "$(intos "$tmp/rmw.jsonl" | tr '\n' ' ')" \
	"load 1 v=5 load 1 v=6 load 1 v=7 load 2 w=0 "
"$BIN" run "$tmp/rmw.yaml" --format jsonl --exec inline >"$tmp/rmw2.jsonl" 2>/dev/null
cmp -s "$tmp/rmw.jsonl" "$tmp/rmw2.jsonl" && ok "threads and inline bind the same values" ||
	no "threads and inline differ on rmw"
"$BIN" run "$tmp/rmw.yaml" --go 1.26 --format jsonl >"$tmp/rmw26.jsonl" 2>/dev/null
same "the same values on Go 1.26's map" "$(stores "$tmp/rmw26.jsonl" | tr '\n' ' ')" "1=5 1=6 1=7 1=8 3=-1 "

# ---- sync.Map: LoadOrStore binds the actual value; misses bind 0 ----
cat >"$tmp/sync.yaml" <<'EOF'
mapviz: 1
title: sync
go: "1.26"
map: {impl: syncmap, key: int}
workers:
  - name: a
    program:
      - store: {key: 1, value: 5}
      - load_or_store: {key: 1, value: 7, into: v}
      - store: {key: 2, value: "$v"}
      - load_or_store: {key: 3, value: 7, into: w}
      - store: {key: 4, value: "$w"}
      - load_and_delete: {key: 1, into: x}
      - store: {key: 5, value: "$x+1"}
      - load_and_delete: {key: 1, into: x}
      - store: {key: 6, value: "$x+1"}
      - swap: {key: 3, value: 9, into: y}
      - store: {key: 7, value: "$y"}
      - load: {key: 99, into: z}
      - store: {key: 8, value: "$z-2"}
EOF
"$BIN" run "$tmp/sync.yaml" --format jsonl >"$tmp/sync.jsonl" 2>"$tmp/err" || no "run sync: $(cat "$tmp/err")"
same "sync.Map (1.26): LoadOrStore, LoadAndDelete, Swap, Load bind" "$(stores "$tmp/sync.jsonl" | tr '\n' ' ')" \
	"1=5 2=5 4=7 5=6 6=1 7=7 8=-2 "
grep -v 'swap\|key: 7' "$tmp/sync.yaml" | sed 's/go: "1.26"/go: "1.19"/' >"$tmp/sync19.yaml"
"$BIN" run "$tmp/sync19.yaml" --format jsonl >"$tmp/sync19.jsonl" 2>"$tmp/err" || no "run sync19: $(cat "$tmp/err")"
same "sync.Map (1.19): the same values" "$(stores "$tmp/sync19.jsonl" | tr '\n' ' ')" "1=5 2=5 4=7 5=6 6=1 8=-2 "

# ---- a string map: a name that was a range key, then bound by into: ----
cat >"$tmp/str.yaml" <<'EOF'
mapviz: 1
title: str
map: {impl: gomap, key: string, seed: 2}
workers:
  - name: a
    program:
      - store: {key: "a", value: 41}
      - range: {var: k, do: [{load: {key: "$k"}}]}
      - load: {key: "a", into: k}
      - store: {key: "n$k", value: "$k+1"}
EOF
"$BIN" run "$tmp/str.yaml" --format jsonl >"$tmp/str.jsonl" 2>"$tmp/err" || no "run str: $(cat "$tmp/err")"
same "an into: variable is an int, also where a range key stood" "$(stores "$tmp/str.jsonl" | tr '\n' ' ')" \
	'a=41 n41=42 '

# ---- the Go lines ----
cat >"$tmp/go.yaml" <<'EOF'
mapviz: 1
title: go
map: {impl: syncmap, key: int}
workers:
  - name: a
    program:
      - load: {key: 1, into: v}
      - load_or_store: {key: 2, value: 3, into: got}
      - load: {key: 1, into: v}
      - store: {key: 1, value: "$v+1"}
  - name: b
    program:
      - load: {key: 1}
EOF
"$BIN" "$tmp/go.yaml" --dump --size 100x30 >"$tmp/go.txt" 2>"$tmp/err" || no "dump go: $(cat "$tmp/err")"
for line in 'v, _ := sm.Load(1)' 'got, _ := sm.LoadOrStore(2, 3)' 'v, _ = sm.Load(1)' 'sm.Store(1, v+1)'; do
	grep -qF "$line" "$tmp/go.txt" && ok "Go line: $line" || no "Go line '$line' missing: $(cat "$tmp/go.txt")"
done
sed 's/impl: syncmap/impl: gomap/; /load_or_store/d' "$tmp/go.yaml" >"$tmp/go2.yaml"
"$BIN" "$tmp/go2.yaml" --dump --size 100x30 >"$tmp/go2.txt" 2>"$tmp/err" || no "dump go2: $(cat "$tmp/err")"
for line in 'v := m[1]' 'v = m[1]' 'm[1] = v+1'; do
	grep -qF "$line" "$tmp/go2.txt" && ok "Go line: $line" || no "Go line '$line' missing: $(cat "$tmp/go2.txt")"
done

# ---- challenges: the proof mapviz test prints, and its failures ----
"$BIN" test "$SC/challenge-01-two-writers.yaml" >"$tmp/out" 2>&1
grep -q '^ok   challenge-01-two-writers (ok, [0-9]* steps); challenge: won in [0-9]* steps by G[12].*; round-robin ends ok$' \
	"$tmp/out" && ok "test proves a challenge winnable and not won by round-robin" || no "challenge proof: $(cat "$tmp/out")"
"$BIN" test "$SC/challenge-10-impossible.yaml" >"$tmp/out" 2>&1
grep -q 'challenge: fatal never happens' "$tmp/out" && ok "test proves an impossible challenge impossible" ||
	no "impossible proof: $(cat "$tmp/out")"
# the default schedule already reaches the goal: not a challenge
sed 's/      - store: {key: 3, value: 30}      # forgot the lock//; s/goal: fatal/goal: leak/; /message:/d' \
	"$SC/challenge-01-two-writers.yaml" >"$tmp/c1.yaml"
printf 'mapviz: 1\ntitle: t\nworkers:\n  - {name: a, program: [{store: {key: 1, value: 1}}]}\n  - {name: b, program: [{store: {key: 2, value: 1}}]}\nexpect: {status: fatal}\nchallenge: {goal: fatal, within: 40, say_win: w, say_lose: l}\n' >"$tmp/easy.yaml"
"$BIN" test "$tmp/easy.yaml" >"$tmp/out" 2>&1 && no "a challenge round-robin wins passed" ||
	{ grep -q 'FAIL easy: challenge: the default schedule already reaches the goal (fatal: concurrent map writes)' "$tmp/out" &&
		ok "test fails a challenge round-robin already wins" || no "easy: $(cat "$tmp/out")"; }
# out of reach within N steps
sed 's/within: 40/within: 5/' "$SC/challenge-01-two-writers.yaml" >"$tmp/short.yaml"
"$BIN" test "$tmp/short.yaml" >"$tmp/out" 2>&1 && no "a challenge out of reach passed" ||
	{ grep -q 'FAIL short: challenge: fatal: concurrent map writes not reached within 5 steps' "$tmp/out" &&
		ok "test fails a challenge that cannot be won within N" || no "short: $(cat "$tmp/out")"; }
# marked impossible, but it can be won
sed 's/  within: 40/  within: 40\n  impossible: true/' "$SC/challenge-01-two-writers.yaml" >"$tmp/notimp.yaml"
"$BIN" test "$tmp/notimp.yaml" >"$tmp/out" 2>&1 && no "a winnable 'impossible' challenge passed" ||
	{ grep -q 'FAIL notimp: challenge: marked impossible, but fatal is reached in [0-9]* steps by G' "$tmp/out" &&
		ok "test fails an impossible challenge that can be won" || no "notimp: $(cat "$tmp/out")"; }
# a different message is not the goal
sed 's/message: "concurrent map writes"/message: "concurrent map read and map write"/' \
	"$SC/challenge-01-two-writers.yaml" >"$tmp/msg.yaml"
"$BIN" test "$tmp/msg.yaml" >"$tmp/out" 2>&1 && no "a challenge with an unreachable message passed" ||
	ok "test matches the goal's message"
# the goal of a challenge scene is scheduled by hand: policy manual, round-robin when nobody picks
"$BIN" run "$SC/challenge-01-two-writers.yaml" --format jsonl >"$tmp/c.jsonl" 2>&1
tail -n 1 "$tmp/c.jsonl" | grep -q '"status":"ok"' && ok "run plays a challenge's default schedule" ||
	no "run challenge: $(tail -n 2 "$tmp/c.jsonl")"
# check warns about narration too long for 80 columns
sed 's/say_win: .*/say_win: "This narration goes on and on and on, far longer than the caption line of the screen."/' \
	"$SC/challenge-01-two-writers.yaml" >"$tmp/long.yaml"
"$BIN" check "$tmp/long.yaml" >"$tmp/out" 2>"$tmp/err"
grep -q 'long.yaml:[0-9]*:[0-9]*: warning: found a challenge.say_win of [0-9]* characters' "$tmp/err" &&
	ok "check warns about a long say_win" || no "long say_win: $(cat "$tmp/err")"

# ---- the campaign: a chapter of its own, after the lessons ----
"$BIN" list >"$tmp/list" 2>&1
n=$(sed -n '/^C  Challenges/,$p' "$tmp/list" | grep -c '^  challenge-')
[ "$n" -ge 10 ] && ok "list: $n challenges in their own chapter" || no "list: $n challenges under C: $(tail -n 30 "$tmp/list")"
[ "$(grep -v '^ ' "$tmp/list" | grep -v '^$' | tail -n 1)" = "C  Challenges: you are the scheduler" ] &&
	ok "list: the challenges come after every lesson" || no "list order: $(grep -v '^ ' "$tmp/list")"
for f in "$SC"/challenge-*.yaml; do
	for go in 1.19 1.26; do
		"$BIN" test --go $go "$f" >"$tmp/out" 2>&1 && grep -q 'challenge: ' "$tmp/out" &&
			ok "$(basename "$f" .yaml) on Go $go: $(sed -n 's/.*challenge: //p' "$tmp/out" | head -c 60)" ||
			no "$(basename "$f") on Go $go: $(cat "$tmp/out")"
	done
done

counted values
