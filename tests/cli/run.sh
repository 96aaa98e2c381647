#!/bin/sh
# CLI tests of `mapviz run`, `list`, `test`, `bench contention`, `--help`:
# exit statuses, the JSON Lines contract, determinism.  Ends with "cli: N passed, N failed".
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
S="$here/../scenes"
. "$here/../lib/count.sh"
layer_tmp

expect_rc() { # name want cmd...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else no "$name: exit $rc, want $want: $(head -c 300 "$tmp/err")"; fi
}
valid_jsonl() { # every line of a file is one JSON object
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1], encoding="utf-8", errors="strict"), 1):
    o = json.loads(line)
    assert isinstance(o, dict) and "type" in o, "line %d: no type" % n
' "$1"
}

expect_rc "run tour exits 0" 0 "$BIN" run tour
expect_rc "run two writers exits 2" 2 "$BIN" run "$S/cli-two-writers.yaml"
grep -q '^fatal error: concurrent map writes$' "$tmp/err" && ok "fatal printed as Go prints it" || no "fatal text: $(cat "$tmp/err")"
grep -q '^goroutine 1 \[running\]:$' "$tmp/err" && grep -q 'cli-two-writers.yaml:7' "$tmp/err" \
	&& ok "goroutine dump names the scene line" || no "goroutine dump: $(cat "$tmp/err")"
expect_rc "nil map write exits 2" 2 "$BIN" run "$S/cli-nil-map.yaml"
grep -q '^panic: assignment to entry in nil map$' "$tmp/err" && ok "panic text" || no "panic text: $(cat "$tmp/err")"
expect_rc "missing scene exits 1" 1 "$BIN" run "$tmp/nope.yaml"
expect_rc "unknown option exits 1" 1 "$BIN" run tour --bogus
expect_rc "bad --format exits 1" 1 "$BIN" run tour --format xml
expect_rc "bad --until exits 1" 1 "$BIN" run tour --until nothing
expect_rc "--help exits 0" 0 "$BIN" --help
expect_rc "run --help exits 0" 0 "$BIN" run --help
expect_rc "check --help exits 0" 0 "$BIN" check --help
expect_rc "test --help exits 0" 0 "$BIN" test --help
expect_rc "check a bundled scene by name" 0 "$BIN" check tour
expect_rc "list exits 0" 0 "$BIN" list
grep -q '^  tour ' "$tmp/out" && ok "list shows the tour" || no "list: $(cat "$tmp/out")"

for sc in tour cli-two-writers cli-nil-map cli-strings; do
	f=$sc
	[ -f "$S/$sc.yaml" ] && f="$S/$sc.yaml"
	for every in op step event; do
		"$BIN" run "$f" --format jsonl --every $every --state full >"$tmp/a.jsonl" 2>/dev/null
		if valid_jsonl "$tmp/a.jsonl" 2>"$tmp/err"; then ok "jsonl valid: $sc --every $every"; else no "jsonl $sc $every: $(cat "$tmp/err")"; fi
	done
	"$BIN" run "$f" --format jsonl --every step --state full >"$tmp/b.jsonl" 2>/dev/null
	"$BIN" run "$f" --format jsonl --every step --state full >"$tmp/c.jsonl" 2>/dev/null
	cmp -s "$tmp/b.jsonl" "$tmp/c.jsonl" && ok "deterministic: $sc" || no "two runs of $sc differ"
done

# Threads and inline: the same JSON Lines, byte for byte, for every scene.
for f in "$here"/../../scenes/*.yaml "$here"/../go/*.yaml "$S"/cli-*.yaml; do
	"$BIN" run "$f" --format jsonl --every step --state full --exec threads >"$tmp/th.jsonl" 2>/dev/null
	"$BIN" run "$f" --format jsonl --every step --state full --exec inline >"$tmp/in.jsonl" 2>/dev/null
	if cmp -s "$tmp/th.jsonl" "$tmp/in.jsonl" && [ -s "$tmp/th.jsonl" ]; then
		ok "threads = inline: $(basename "$f")"
	else
		no "threads and inline differ (or are empty) for $f"
	fi
done

# --until, --steps, --seed do what run --help says.
"$BIN" run tour --format jsonl --every event --until grow_start >"$tmp/u.jsonl" 2>/dev/null
python3 - "$tmp/u.jsonl" >"$tmp/err" 2>&1 <<'PY' && ok "--until stops after the step of the first such event" || no "--until: $(cat "$tmp/err")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
grows = [l for l in lines if l.get("event") == "grow_start"]
assert len(grows) == 1, "exactly one grow_start, got %d" % len(grows)
end = lines[-1]
assert end["type"] == "end" and end["status"] == "running" and end["steps"] == grows[0]["step"], end
PY
steps=$("$BIN" run tour --format jsonl --steps 5 2>/dev/null | tail -n 1 | python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["steps"], e["status"])')
[ "$steps" = "5 running" ] && ok "--steps 5 stops after 5 steps" || no "--steps 5: $steps"
rnd="$here/../go/safemap-rwmutex.yaml"
"$BIN" run "$rnd" --format jsonl --every step --exec inline --seed 6 >"$tmp/s6a.jsonl" 2>/dev/null
"$BIN" run "$rnd" --format jsonl --every step --exec inline --seed 6 >"$tmp/s6b.jsonl" 2>/dev/null
"$BIN" run "$rnd" --format jsonl --every step --exec inline --seed 7 >"$tmp/s7.jsonl" 2>/dev/null
cmp -s "$tmp/s6a.jsonl" "$tmp/s6b.jsonl" && ! cmp -s "$tmp/s6a.jsonl" "$tmp/s7.jsonl" \
	&& ok "--seed sets the random schedule: same seed same run, other seed other run" \
	|| no "--seed does not steer the random schedule"

# make install: the binary finds its scenes relative to itself.
top=$(cd "$here/../.." && pwd)
if make -s -C "$top" install PREFIX="$tmp/inst" >"$tmp/inst.log" 2>&1; then
	n_installed=$(cd / && env -u MAPVIZ_SCENES "$tmp/inst/bin/mapviz" list 2>/dev/null | grep -c '^  [a-z]')
	n_bundled=$(ls "$top"/scenes/*.yaml | wc -l)
	[ "$n_installed" -eq "$n_bundled" ] && ok "installed binary lists its $n_bundled scenes" \
		|| no "installed binary lists $n_installed scenes, want $n_bundled"
	(cd / && env -u MAPVIZ_SCENES "$tmp/inst/bin/mapviz" run tour >/dev/null 2>&1) && ok "installed binary runs a scene by name" \
		|| no "installed binary cannot run tour"
else
	no "make install failed: $(tail -n 3 "$tmp/inst.log")"
fi

# The op record's exact shape (issue contract).
"$BIN" run tour --format jsonl --every op --state full >"$tmp/t.jsonl"
python3 - "$tmp/t.jsonl" >"$tmp/err" 2>&1 <<'PY' && ok "op record shape" || no "op record shape: $(cat "$tmp/err")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[0]["type"] == "scene" and lines[-1]["type"] == "end", "scene first, end last"
ops = [l for l in lines if l["type"] == "op"]
first = ops[0]
assert list(first)[:6] == ["type", "step", "worker", "op", "key", "hash"], list(first)
st = first["state"]
assert list(st) == ["engine","count","B","flags","noverflow","hash0","nevacuate","buckets","oldbuckets"], list(st)
assert len(st["buckets"]) == 1 and st["oldbuckets"] is None
b = st["buckets"][0][0]
assert len(b["tophash"]) == 8 and len(b["keys"]) == 8 and len(b["values"]) == 8
for t, k, v in zip(b["tophash"], b["keys"], b["values"]):
    assert (k is None) == (t < 5) and (v is None) == (t < 5)
grew = [o for o in ops if o["state"]["oldbuckets"] is not None]
assert grew, "some op must see growth in progress"
assert lines[-1]["status"] == "ok" and lines[-1]["steps"] == ops[-1]["step"]
assert all(o["hash"].startswith("0x") and len(o["hash"]) == 18 for o in ops if "hash" in o)
PY

"$BIN" run "$S/cli-strings.yaml" --format jsonl --state full >"$tmp/s.jsonl" 2>/dev/null
python3 - "$tmp/s.jsonl" >"$tmp/err" 2>&1 <<'PY' && ok "string keys and templates" || no "string keys: $(cat "$tmp/err")"
import json, sys
ops = [json.loads(l) for l in open(sys.argv[1]) if '"op"' in l]
ops = [o for o in ops if o["type"] == "op"]
assert ops[0]["key"] == "user-0", ops[0]["key"]
assert ops[39]["key"] == "user-39"
assert ops[40]["result"] == {"value": 7, "ok": True}, ops[40]
assert ops[42]["result"] == {"value": 0, "ok": False}, ops[42]
assert ops[43]["key"] == 'quote" back\\slash $dollar', repr(ops[43]["key"])
PY

# mapviz bench contention: every kind runs free, passes its self-check and
# prints its five counters; bad options are refused with exit 1.
for impl in mutex rwmutex syncmap sharded; do
	expect_rc "bench contention --impl $impl exits 0" 0 "$BIN" bench contention --impl $impl --threads 3 \
		--read-pct 60 --mode churn --keys 500 --seconds 0.05
	awk '$1 == "ops_per_sec" && $2 > 0 { o = 1 } $1 == "fairness" && $2 >= 0 && $2 <= 100 { f = 1 }
		{ k = k " " $1 } END { exit !(o && f && NR == 5 && k == " ops_per_sec lock_waits handoffs sleeps fairness") }' \
		"$tmp/out" && ok "bench contention --impl $impl output" || no "bench contention $impl: $(cat "$tmp/out")"
done
expect_rc "bench contention --help exits 0" 0 "$BIN" bench contention --help
for bad in "--impl nope" "--threads 0" "--read-pct 101" "--seconds 0" "--mode sometimes" "--threads 2"; do
	# shellcheck disable=SC2086
	expect_rc "bench contention $bad exits 1" 1 "$BIN" bench contention $bad
	[ -s "$tmp/err" ] && ok "bench contention $bad says why" || no "bench contention $bad: no message"
done

# ---- loading scenes: sources that are not plain files ----

# A FIFO whose writer connects late is read, blocking, to its end (not "empty file").
mkfifo "$tmp/late.fifo"
(
	sleep 1
	exec cat "$S/cli-two-writers.yaml" >"$tmp/late.fifo"
) &
wpid=$!
expect_rc "check reads a FIFO whose writer connects late" 0 "$BIN" check "$tmp/late.fifo"
kill "$wpid" 2>/dev/null # the writer is still blocked if check did not wait for it
wait "$wpid" 2>/dev/null

# ---- text from a scene never reaches the terminal raw ----

# Terminal escapes written as YAML escapes (ESC, BEL, C1 CSI) in the title,
# summary, chapter, captions, worker and lock names and string keys: run's
# text output, list and the crash report show them as \xNN, and print no
# control character but newline and tab.
no_controls() { # FILE: no C0 but \n and \t, no DEL, no C1 (UTF-8 C2 80..9F)
	python3 -c '
import re, sys
b = open(sys.argv[1], "rb").read()
m = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", b)
assert not m, "control character %r at byte %d: %r" % (m.group(), m.start(), b[max(0, m.start() - 30):m.start() + 10])
' "$1"
}
mkdir -p "$tmp/esc"
cat >"$tmp/esc/escapes.yaml" <<'EOF'
mapviz: 1
title: "evil \e]0;pwned\a title"
summary: "\e[2J summary \u009b31m red"
chapter: "\e[1m9"
map: {impl: gomap, key: string, seed: 1}
locks: [{name: "mu\e[5m", kind: mutex}]
workers:
  - name: "w\e[31m"
    program:
      - store: {key: "k\e]2;x\a", value: 1}
      - store: {key: "k2", value: 2}
  - name: "x\a"
    program:
      - lock: {name: "mu\e[5m"}
      - store: {key: "k3", value: 3}
schedule:
  policy: script
  script: ["w\e[31m*12", "x\a*2"]
notes:
  - {at: 1, say: "\e]52;c;cGF5bG9hZA==\a copied"}
EOF
expect_rc "run: a scene with escapes in its text ends in its fatal error" 2 "$BIN" run "$tmp/esc/escapes.yaml" --state full
if no_controls "$tmp/out" 2>"$tmp/why" && no_controls "$tmp/err" 2>>"$tmp/why"; then
	ok "run and its crash report print no control character from the scene"
else
	no "run prints control characters: $(cat "$tmp/why")"
fi
grep -qF 'evil \x1b]0;pwned\x07 title' "$tmp/out" && grep -qF '\x1b[2J summary \x9b31m red' "$tmp/out" \
	&& ok "run shows the title and summary's control characters as \\xNN" \
	|| no "run's title and summary: $(head -n 3 "$tmp/out")"
grep -qF 'main.w\x1b[31m()' "$tmp/err" && grep -qF 'main.x\x07()' "$tmp/err" \
	&& ok "the crash report shows worker names' control characters as \\xNN" \
	|| no "crash report: $(cat "$tmp/err")"
MAPVIZ_SCENES="$tmp/esc" "$BIN" list >"$tmp/out" 2>"$tmp/err"
if no_controls "$tmp/out" 2>"$tmp/why" && grep -qF '\x1b[1m9' "$tmp/out" && grep -qF 'evil \x1b]0;pwned\x07 title' "$tmp/out"; then
	ok "list shows the title, chapter and summary without control characters"
else
	no "list: $(cat "$tmp/why") $(cat "$tmp/out")"
fi
"$BIN" run "$tmp/esc/escapes.yaml" --format jsonl --state full >"$tmp/out" 2>/dev/null
no_controls "$tmp/out" 2>"$tmp/why" && valid_jsonl "$tmp/out" 2>>"$tmp/why" \
	&& ok "run --format jsonl: valid, no control characters" || no "jsonl with escapes: $(cat "$tmp/why")"

# ---- mapviz record --keys stopped by a signal ----

# SIGTERM in the middle of a long key script: the recording is kept (every
# line complete, asciicast v2 up to that moment) and the exit status is 143,
# as the TUI's.
keys=""
for i in 1 2 3 4 5 6 7 8 9 10; do keys="$keys space*10000 left*10000"; done
"$BIN" record tour -o "$tmp/term.cast" --size 80x24 --keys "$keys" >/dev/null 2>"$tmp/rec.err" &
rpid=$!
i=0
while [ $i -lt 200 ] && [ "$(cat "$tmp/term.cast" 2>/dev/null | wc -l)" -lt 5 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -TERM "$rpid"
wait "$rpid"
rc=$?
[ "$rc" -eq 143 ] && ok "record --keys killed by SIGTERM exits 143" || no "record --keys and SIGTERM: exit $rc: $(cat "$tmp/rec.err")"
grep -q 'SIGTERM' "$tmp/rec.err" && ok "record --keys says it was stopped" || no "record --keys stopped silently"
python3 - "$tmp/term.cast" >"$tmp/why" 2>&1 <<'PY' && ok "the stopped recording is asciicast v2 to its last line" || no "stopped recording: $(cat "$tmp/why")"
import json, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n"), "the last line is cut"
lines = data.decode("utf-8").splitlines()
head = json.loads(lines[0])
assert head["version"] == 2 and head["width"] == 80, head
assert len(lines) > 5, "only %d lines" % len(lines)
for n, l in enumerate(lines[1:], 2):
    e = json.loads(l)
    assert isinstance(e, list) and len(e) == 3 and e[1] in ("o", "m", "r"), "line %d: %r" % (n, e)
PY

# ---- mapviz check: warnings, --strict, never-ending scenes ----

cat >"$tmp/warn.yaml" <<'EOF'
mapviz: 1
title: "every warning of mapviz check"
workers:
  - name: a
    main: true
    program:
      - store: {key: 1, value: 1}
      - close: {signal: nobody-waits}
  - name: b
    program:
      - wait: {signal: never-closed}
schedule:
  policy: script
  script: ["b", "b*2", "a*10", "b*4"]
notes:
  - {at: 0, say: "This caption is far too long to fit on the one caption line of an eighty-column screen."}
  - {at: 999, say: "after the end"}
EOF
expect_rc "check: warnings alone leave a scene ok (exit 0)" 0 "$BIN" check "$tmp/warn.yaml"
grep -qx "$tmp/warn.yaml: ok (6 warnings)" "$tmp/out" && ok "check: ok with the number of warnings" \
	|| no "check's ok line: $(cat "$tmp/out")"
w="$tmp/warn.yaml"
for want in \
	"$w:16:18: warning: found a caption of 87 characters, expected at most 76" \
	"$w:17:10: warning: found a note at step 999, but the scene ends at step 11" \
	"$w:11:9: warning: found wait on signal 'never-closed', which no worker closes" \
	"$w:8:9: warning: found close on signal 'nobody-waits', on which no worker waits" \
	"$w:14:17: warning: found 'b*2' in schedule.script, but it never runs: worker 'b' cannot run" \
	"$w:14:32: warning: found 'b*4' in schedule.script, but the scene ends (at step 11) before"; do
	grep -qF "$want" "$tmp/err" && ok "check warns: ${want#*warning: }" || no "check does not warn '$want': $(cat "$tmp/err")"
done
[ "$(grep -c ': warning: ' "$tmp/err")" -eq 6 ] && [ "$(wc -l <"$tmp/err")" -eq 6 ] \
	&& ok "check: one line per warning, nothing else" || no "check's warnings: $(cat "$tmp/err")"
expect_rc "check --strict: a warning is an error (exit 1)" 1 "$BIN" check --strict "$tmp/warn.yaml"
[ ! -s "$tmp/out" ] && [ "$(grep -c ': warning: ' "$tmp/err")" -eq 6 ] \
	&& ok "check --strict: the warnings, no ok line" || no "check --strict: $(cat "$tmp/out" "$tmp/err")"
# a waiter the scene expects to leak, a script that runs: no warning
cat >"$tmp/quiet.yaml" <<'EOF'
mapviz: 1
title: "a leak on purpose"
workers:
  - {name: a, main: true, program: [{store: {key: 1, value: 1}}]}
  - {name: b, program: [{wait: {signal: never-closed}}]}
schedule: {policy: script, script: ["b", "a*9"]}
expect: {leaked: [b]}
EOF
expect_rc "check --strict: a wait that expect.leaked names is no warning" 0 "$BIN" check --strict "$tmp/quiet.yaml"
# no bundled scene has a warning
expect_rc "check --strict passes every bundled scene" 0 "$BIN" check --strict "$here"/../../scenes/*.yaml
[ ! -s "$tmp/err" ] || no "bundled scenes warn: $(head -c 500 "$tmp/err")"
expect_rc "check: an unknown option exits 1" 1 "$BIN" check --bogus tour

# run refuses a scene that never ends, as check does, unless --steps caps it
expect_rc "run refuses a scene that never ends" 1 "$BIN" run "$here/../bad/never-ends.yaml"
grep -q 'never-ends.yaml:8:9: found a scene that does not end' "$tmp/err" &&
	ok "run says where the scene does not end" || no "run's never-ends message: $(head -c 300 "$tmp/err")"
[ ! -s "$tmp/out" ] && ok "run prints nothing of a scene it refuses" || no "run printed before refusing"
expect_rc "run --steps 100 runs a scene that never ends" 0 "$BIN" run "$here/../bad/never-ends.yaml" --steps 100

# the TUI's checkpoints stay in their 256 MiB budget even for a big map
# (they once kept 136 copies whatever the size: 520 MB for this scene)
printf 'mapviz: 1\ntitle: big\nmap: {impl: gomap, key: int}\nworkers:\n  - name: a\n    main: true\n    program:\n      - repeat: {times: 110000, var: i, do: [{store: {key: "$i", value: 1}}]}\n' >"$tmp/big.yaml"
rss=$(python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if r.returncode == 0 else -1)
' "$BIN" record "$tmp/big.yaml" -o "$tmp/big.cast" --keys "end left home end q")
[ "$rss" -gt 0 ] && [ "$rss" -lt 480000 ] && ok "record of a 110,000-key map stays in the checkpoint budget (${rss} KiB)" ||
	no "record of a big map: peak ${rss} KiB (want < 480000: 256 MiB of checkpoints and the map; it was 524 MB)"

counted cli
