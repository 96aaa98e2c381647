#!/bin/sh
# Go 1.26's map through the CLI: the scene's go: field and --go, the Swiss
# state contract of `run --state full` (docs/headless.md), its events,
# --compare, and the errors for a Go release no engine models.  Ends with
# "swiss: N passed, N failed".
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapviz-swiss.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
. "$here/../lib/count.sh"

# the state contract after every op of a run that converts, grows, splits
"$BIN" run swiss-growth --format jsonl --every op --state full >"$tmp/g.jsonl" 2>"$tmp/err" &&
python3 - "$tmp/g.jsonl" >"$tmp/out" 2>&1 <<'PY' && ok "Swiss state contract after every op" || no "Swiss state contract: $(tail -5 "$tmp/out")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert recs[0]["type"] == "scene" and recs[0]["go"] == "1.26", recs[0]
keys = ["engine", "used", "globalDepth", "writing", "tombstonePossible", "clearSeq", "small", "directory", "tables"]
first = recs[0]["state"]
assert list(first) == keys, list(first)
assert first["small"] is None and first["directory"] == [] and first["tables"] == [], first
seen_small = seen_split = False
for r in recs[1:]:
    if r["type"] != "op":
        continue
    st = r["state"]
    assert list(st) == keys, list(st)
    assert st["engine"] == "swiss" and st["writing"] in (0, 1)
    groups = []
    if st["small"] is not None:
        seen_small = True
        assert st["directory"] == [] and st["tables"] == []
        groups = [st["small"]]
    else:
        assert len(st["directory"]) == 1 << st["globalDepth"], st["directory"]
        assert sorted(set(st["directory"])) == list(range(len(st["tables"])))
        # each table's run of directory slots is aligned and 2^(gd-ld) long (SW1.4)
        for i, t in enumerate(st["tables"]):
            run = [d for d, x in enumerate(st["directory"]) if x == i]
            assert len(run) == 1 << (st["globalDepth"] - t["localDepth"]), (run, t["localDepth"])
            assert run[0] == t["index"] and run == list(range(run[0], run[0] + len(run)))
            assert len(t["groups"]) == t["capacity"] // 8
            assert t["used"] == sum(1 for g in t["groups"] for c in g["ctrl"] if c < 0x80)
            assert t["growthLeft"] <= t["capacity"] * 7 // 8 - t["used"]
            groups += t["groups"]
        seen_split |= len(st["tables"]) > 1
    full = 0
    for g in groups:
        assert len(g["ctrl"]) == len(g["keys"]) == len(g["values"]) == 8
        for c, k, v in zip(g["ctrl"], g["keys"], g["values"]):
            assert c in (0x80, 0xFE) or c < 0x80, c
            assert (k is None) == (c >= 0x80) and (v is None) == (c >= 0x80)
            full += c < 0x80
    assert full == st["used"], (full, st["used"])
assert seen_small and seen_split, (seen_small, seen_split)
PY

# a range's keys come in the order the iterator produced them
"$BIN" run swiss-range-grow --format jsonl --every op >"$tmp/r.jsonl" 2>/dev/null
python3 - "$tmp/r.jsonl" >"$tmp/out" 2>&1 <<'PY' && ok "range result lists keys in iteration order (SW6.5: key 7 deleted in the loop is skipped)" || no "range result: $(tail -3 "$tmp/out")"
import json, sys
ops = [json.loads(l) for l in open(sys.argv[1])]
r = [o for o in ops if o.get("op") == "range"][0]
assert [k for k, v in r["result"]] == [3, 4, 5, 6, 0, 1, 2], r["result"]
PY

# --go overrides the scene's go:, both ways
"$BIN" run tour --go 1.26 --format jsonl --state full | head -n 1 | grep -q '"go":"1.26".*"engine":"swiss"' &&
	ok "run --go 1.26 runs a Go 1.19 scene on Swiss tables" || no "run --go 1.26"
"$BIN" run swiss-small --go 1.19 --format jsonl --state full | head -n 1 | grep -q '"go":"1.19".*"engine":"classic"' &&
	ok "run --go 1.19 runs a Go 1.26 scene on buckets" || no "run --go 1.19"
"$BIN" run tour --go 1.26 | grep -q 'runtime: Go 1.26 (Swiss tables' && ok "the transcript says which Go it models" ||
	no "transcript header"

# Swiss events in JSON name groups and H2, not buckets and tophash
"$BIN" run swiss-small --format jsonl --every event | grep '"event":"insert"' | head -n 1 |
	grep -q '"group":0,"slot":0,"h2":' && ok "Swiss insert events name group and h2" || no "Swiss insert event fields"
"$BIN" run swiss-tombstones --every event | grep -q 'tombstone(s) reclaimed instead of growing' &&
	ok "pruning is reported in words" || no "prune wording"

# both runtimes abort the same scripted race, in one view
out=$("$BIN" --compare concurrent-writes --dump --size 120x30 --keys end 2>&1)
n=$(printf '%s\n' "$out" | sed -n 2p | grep -o 'concurrent map writes' | wc -l)
[ "$n" -eq 2 ] && ok "--compare: both runtimes abort with 'concurrent map writes'" || no "--compare fatal on both sides: $(printf '%s\n' "$out" | head -3)"
printf '%s\n' "$out" | grep -q 'buckets' && printf '%s\n' "$out" | grep -q 'groups' &&
	ok "--compare: buckets on the left, groups on the right" || no "--compare panels"
out=$("$BIN" --compare growth --dump --size 120x30 --keys "space*53" 2>&1)
printf '%s\n' "$out" | grep -q 'evacuating' && printf '%s\n' "$out" | grep -q 'table @0 cap 64' &&
	ok "--compare growth: 1.19 evacuates bit by bit while 1.26 has grown at once" || no "--compare growth"

# and the same, recorded: one cast, a marker where each runtime aborts
"$BIN" record --compare concurrent-writes -o "$tmp/cmp.cast" --keys "space*10 end" --size 120x30 2>/dev/null &&
python3 - "$tmp/cmp.cast" >"$tmp/out" 2>&1 <<'PY' && ok "record --compare: an asciicast with both runtimes' fatal markers" || no "record --compare: $(tail -3 "$tmp/out")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[0]["version"] == 2 and lines[0]["width"] == 120, lines[0]
marks = [l[2] for l in lines[1:] if l[1] == "m"]
assert marks == ["Go 1.19: fatal: concurrent map writes", "Go 1.26: fatal: concurrent map writes"], marks
out = "".join(l[2] for l in lines[1:] if l[1] == "o")
assert "Go 1.26 Swiss tables" in out and "Go 1.19 buckets" in out
PY

# a Go release no engine models is refused, at its line, by check first
printf 'mapviz: 1\ngo: "1.22"\ntitle: t\nworkers:\n  - name: a\n    program:\n      - store: {key: 1, value: 2}\n' >"$tmp/v.yaml"
msg=$("$BIN" check "$tmp/v.yaml" 2>&1)
[ $? -eq 1 ] && printf '%s\n' "$msg" | grep -q 'v.yaml:2:5: found go 1.22, expected "1.19"' &&
	ok "check refuses go: 1.22 at its line" || no "go: 1.22: $msg"
msg=$("$BIN" run tour --go 1.22 2>&1)
[ $? -eq 1 ] && printf '%s\n' "$msg" | grep -q -- '--go takes 1.19 or 1.26' && ok "run --go 1.22 is a usage error" ||
	no "run --go 1.22: $msg"
printf 'mapviz: 1\ntitle: t\nworkers:\n  - name: a\n    program:\n      - range: {iter: {entryOffset: 1}}\n' >"$tmp/i.yaml"
msg=$("$BIN" check "$tmp/i.yaml" 2>&1)
[ $? -eq 1 ] && printf '%s\n' "$msg" | grep -q 'i.yaml:6:17: found range.iter in a Go 1.19 scene' &&
	ok "iter: pins are refused in a Go 1.19 scene" || no "iter in 1.19: $msg"

# expect.state names the fields of the scene's own runtime; versions: says
# what the scene must do on the other one
printf 'mapviz: 1\ngo: "1.26"\ntitle: t\nworkers:\n  - name: a\n    program:\n      - store: {key: 1, value: 2}\nexpect:\n  state: {count: 1, B: 0}\n' >"$tmp/s.yaml"
msg=$("$BIN" check "$tmp/s.yaml" 2>&1)
[ $? -eq 1 ] && printf '%s\n' "$msg" | grep -q "s.yaml:9:21: found expect.state.B in a Go 1.26 scene, expected one of Go 1.26's map: count, used, globalDepth" &&
	ok "check refuses a Go 1.19 header field in a Go 1.26 scene" || no "foreign state field: $msg"
printf 'mapviz: 1\ngo: "1.26"\ntitle: t\nworkers:\n  - name: a\n    program:\n      - store: {key: 1, value: 2}\nversions:\n  - go: "1.26"\n' >"$tmp/v2.yaml"
msg=$("$BIN" check "$tmp/v2.yaml" 2>&1)
[ $? -eq 1 ] && printf '%s\n' "$msg" | grep -q 'v2.yaml:9:9: found go 1.26 in versions, expected a release other than' &&
	ok "versions: must name another release" || no "versions own release: $msg"
"$BIN" test --go 1.26 >"$tmp/t26" 2>&1 && tail -n 1 "$tmp/t26" | grep -q ', 0 failed' &&
	ok "every bundled scene passes its expect on Go 1.26 ($(tail -n 1 "$tmp/t26"))" || no "test --go 1.26: $(grep FAIL "$tmp/t26" | head -3)"
"$BIN" test --go 1.19 >"$tmp/t19" 2>&1 && tail -n 1 "$tmp/t19" | grep -q ', 0 failed' &&
	ok "every bundled scene passes its expect on Go 1.19 ($(tail -n 1 "$tmp/t19"))" || no "test --go 1.19: $(grep FAIL "$tmp/t19" | head -3)"
out=$("$BIN" tour --go 1.26 --dump --step 229 2>&1)
printf '%s\n' "$out" | grep -q 'old ones have moved' && no "a Go 1.19 step caption shows on Go 1.26" ||
	ok "captions tied to Go 1.19's steps do not show on Go 1.26"

# every bundled scene whose lesson is not about buckets passes on Go 1.26 too
for s in concurrent-writes concurrent-writes-avoided read-write rlock-lock writer-preference safemap-mutex \
	safemap-rwmutex sharded nil-map len-delete-write; do
	"$BIN" test --go 1.26 "$s" >"$tmp/t" 2>&1 && ok "$s passes its expect on Go 1.26" ||
		no "$s on Go 1.26: $(head -n 1 "$tmp/t")"
done

counted swiss
