#!/bin/sh
# CLI tests of `mapviz explore` and `mapviz bench explore`: options and exit
# statuses, the JSON object's shape, --all against the reduced search, and
# that every witness --save writes replays with `mapviz run` to its class.
# Ends with "explore: N passed, N failed".
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export MAPVIZ_SCENES="${MAPVIZ_SCENES:-$top/scenes}"
. "$here/../lib/count.sh"
layer_tmp

expect_rc() { # name want cmd...
	name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else no "$name: exit $rc, want $want: $(head -c 300 "$tmp/err")"; fi
}

# usage errors name the option; a bad scene gets the loader's FILE:LINE:COL
expect_rc "explore --help exits 0" 0 "$BIN" explore --help
grep -q -- '--budget SECONDS' "$tmp/out" && ok "--help lists --budget" || no "--help: $(head -c 300 "$tmp/out")"
expect_rc "unknown option exits 1" 1 "$BIN" explore concurrent-writes --bogus
grep -q "unknown option '--bogus'" "$tmp/err" && ok "unknown option named" || no "unknown option: $(cat "$tmp/err")"
expect_rc "--random 0 exits 1" 1 "$BIN" explore concurrent-writes --random 0
grep -q -- "--random takes" "$tmp/err" && ok "--random named" || no "--random: $(cat "$tmp/err")"
expect_rc "--all with --random exits 1" 1 "$BIN" explore concurrent-writes --all --random 5
expect_rc "--budget x exits 1" 1 "$BIN" explore concurrent-writes --budget x
expect_rc "--format xml exits 1" 1 "$BIN" explore concurrent-writes --format xml
expect_rc "--seed without --random exits 1" 1 "$BIN" explore concurrent-writes --seed 3
expect_rc "no scene exits 1" 1 "$BIN" explore
printf 'mapviz: 1\ntitle: t\nworkers:\n  - name: a\n    program: [{stor: {key: 1}}]\n' >"$tmp/bad.yaml"
expect_rc "bad scene exits 1" 1 "$BIN" explore "$tmp/bad.yaml"
grep -q "^$tmp/bad.yaml:5:[0-9]*: " "$tmp/err" && ok "bad scene: FILE:LINE:COL" || no "bad scene: $(cat "$tmp/err")"

# the JSON object: its keys, and --all against the reduced search
json_check() { # file mode: the shape of the brief, classes as a list of {outcome, runs, shortest}
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["mode", "complete", "runs", "steps_executed", "seconds", "classes"], list(d)
assert d["mode"] == sys.argv[2], d["mode"]
assert isinstance(d["complete"], bool) and isinstance(d["seconds"], float)
assert sum(c["runs"] for c in d["classes"]) == d["runs"]
for c in d["classes"]:
    assert list(c) == ["outcome", "runs", "shortest"], list(c)
    assert all(isinstance(w, str) for w in c["shortest"])
' "$1" "$2"
}
for sc in concurrent-writes-xor iterate-write read-write rlock-twice writer-preference nil-map; do
	"$BIN" explore "$sc" --all --format json >"$tmp/all.json" 2>"$tmp/err"
	"$BIN" explore "$sc" --format json >"$tmp/red.json" 2>>"$tmp/err"
	if json_check "$tmp/all.json" all && json_check "$tmp/red.json" reduced; then ok "json shape: $sc"; else no "json shape: $sc: $(cat "$tmp/err")"; fi
	python3 -c '
import json, sys
a, r = (json.load(open(f)) for f in sys.argv[1:3])
assert a["complete"] and r["complete"]
ca = [(c["outcome"], len(c["shortest"])) for c in a["classes"]]
cr = [(c["outcome"], len(c["shortest"])) for c in r["classes"]]
assert ca == cr, (ca, cr)
assert r["steps_executed"] <= a["steps_executed"]
' "$tmp/all.json" "$tmp/red.json" 2>"$tmp/err" && ok "--all and reduced agree: $sc" || no "--all vs reduced: $sc: $(cat "$tmp/err")"
done
"$BIN" explore iterate-write --all --format json >"$tmp/all.json"
"$BIN" explore iterate-write --format json >"$tmp/red.json"
python3 -c '
import json, sys
a, r = (json.load(open(f)) for f in sys.argv[1:3])
assert r["steps_executed"] * 10 <= a["steps_executed"], (r["steps_executed"], a["steps_executed"])
' "$tmp/all.json" "$tmp/red.json" 2>"$tmp/err" && ok "reduced runs 10x fewer steps: iterate-write" || no "reduction: $(cat "$tmp/err")"

# text: one line per class, compressed witnesses, the counts
expect_rc "explore --all text" 0 "$BIN" explore concurrent-writes-xor --all
grep -q '^  fatal: concurrent map writes  *[0-9]* runs .*shortest 4: writer-A\*3 writer-B$' "$tmp/out" &&
	ok "text: class line with compressed witness" || no "text: $(cat "$tmp/out")"
grep -q 'every interleaving (--all) search, complete' "$tmp/out" && ok "text: complete" || no "text head: $(head -1 "$tmp/out")"
grep -q '^[0-9]* runs, [0-9]* steps executed' "$tmp/out" && ok "text: totals" || no "totals: $(cat "$tmp/out")"

# stops: --max-runs and --budget say incomplete; --random reports its sample
expect_rc "--max-runs" 0 "$BIN" explore concurrent-writes --all --max-runs 1000
grep -q 'incomplete: stopped after 1000 runs' "$tmp/out" && ok "--max-runs: incomplete" || no "--max-runs: $(cat "$tmp/out")"
expect_rc "--budget" 0 "$BIN" explore safemap-mutex --all --budget 0.2 --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not d["complete"] and d["seconds"] < 5' "$tmp/out" &&
	ok "--budget: complete false" || no "--budget: $(head -c 300 "$tmp/out")"
expect_rc "--random" 0 "$BIN" explore concurrent-writes --random 200 --seed 9
grep -q 'from a sample of 200 runs' "$tmp/out" && ok "--random: sample size" || no "--random: $(cat "$tmp/out")"
"$BIN" explore concurrent-writes --random 200 --seed 9 >"$tmp/again"
cmp -s "$tmp/out" "$tmp/again" || diff "$tmp/out" "$tmp/again" | grep -v 'steps executed' | grep -q '^[<>]' &&
	no "--random with one seed differs" || ok "--random: same seed, same counts"
expect_rc "--random --pct" 0 "$BIN" explore concurrent-writes --random 300 --pct 2
grep -q '300 random schedules (PCT, seed 1)' "$tmp/out" && grep -q '^  race_undetected ' "$tmp/out" &&
	ok "--pct samples both classes" || no "--pct: $(cat "$tmp/out")"
expect_rc "--pct without --random exits 1" 1 "$BIN" explore concurrent-writes --pct 2

# --save: every witness replays with mapviz run (and mapviz test) to its class
for sc in concurrent-writes-xor rlock-twice rlock-lock-hidden nil-map iterate-write; do
	rm -rf "$tmp/w"
	"$BIN" explore "$sc" --save "$tmp/w" --format json >"$tmp/x.json" 2>"$tmp/err" || { no "--save $sc: $(cat "$tmp/err")"; continue; }
	n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["classes"]))' "$tmp/x.json")
	[ "$(ls "$tmp/w" | wc -l)" -eq "$n" ] && ok "--save wrote $n files: $sc" || no "--save $sc: $(ls "$tmp/w")"
	for f in "$tmp"/w/*.yaml; do
		cls=$(basename "$f" .yaml)
		cls=${cls#"$sc"-}
		"$BIN" run "$f" --format jsonl --exec inline >"$tmp/run.jsonl" 2>/dev/null
		python3 -c '
import json, sys
end = [json.loads(l) for l in open(sys.argv[1])][-1]
cls = sys.argv[2]
assert end["type"] == "end", end
if cls.startswith("fatal-") or cls.startswith("panic-"):
    assert end["status"] == cls.split("-")[0], end
    assert end["message"].replace(" ", "-").replace(":", "") in cls, end
elif cls == "deadlock":
    assert end["status"] == "deadlock", end
elif cls == "leak":
    assert end["status"] == "ok" and end["leaked"], end
else:
    assert end["status"] == "ok" and not end["leaked"], end
' "$tmp/run.jsonl" "$cls" 2>"$tmp/err" && ok "replays: $sc $cls" || no "replay $sc $cls: $(cat "$tmp/err")"
	done
	"$BIN" test "$tmp"/w/*.yaml >"$tmp/out" 2>&1 && ok "mapviz test passes the witnesses: $sc" || no "test witnesses $sc: $(cat "$tmp/out")"
done
rm -rf "$tmp/w"
"$BIN" explore nil-map --save "$tmp/w" >/dev/null 2>&1
expect_rc "--save refuses to overwrite" 1 "$BIN" explore nil-map --save "$tmp/w"
grep -q 'exists (use --force' "$tmp/err" && ok "--save names --force" || no "overwrite: $(cat "$tmp/err")"
expect_rc "--save --force overwrites" 0 "$BIN" explore nil-map --save "$tmp/w" --force

# op granularity: the saved script lists only the chosen steps
rm -rf "$tmp/w"
expect_rc "--save an op-granularity scene" 0 "$BIN" explore "$top/bench/scenes/explore-sharded3.yaml" --save "$tmp/w"
grep -q 'granularity: op' "$tmp/w/explore-sharded3-ok.yaml" && ok "op granularity kept" || no "granularity: $(cat "$tmp/w/explore-sharded3-ok.yaml")"
"$BIN" test "$tmp/w/explore-sharded3-ok.yaml" >/dev/null 2>&1 && ok "op-granularity witness passes mapviz test" || no "op witness test"

# the benchmark
expect_rc "bench explore" 0 "$BIN" bench explore --reps 1 --three "$top/bench/scenes/explore-sharded3.yaml"
grep -q '^classes_match yes$' "$tmp/out" && ok "bench: classes match" || no "bench: $(cat "$tmp/out")"
awk '$1 == "reduction" && $2 >= 10 { f = 1 } END { exit !f }' "$tmp/out" && ok "bench: reduction >= 10x" || no "bench reduction: $(cat "$tmp/out")"

counted explore
