#!/bin/sh
# tests/tui/challenge-e2e.sh MAPVIZ_BIN — schedule search (x) and challenges
# in a real terminal (tmux, tests/lib/e2e.sh); ends with
# "tui-challenge: N passed, N failed".
#
# Every challenge scene (the campaign's in scenes/, and tests/tui/scenes/
# challenge-*.yaml) is played to a win with the shortest witness that
# `mapviz explore --format json` finds, its digits typed one by one; one
# is played to a loss with a witness of another ending; x lists the
# endings and Enter plays one.  Skipped (with a clear line) without tmux.
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/count.sh"
layer_tmp
E2E_NAME=mapviz-chal E2E_DIR=$top
. "$here/../lib/e2e.sh"
export MAPVIZ_SCENES="$top/scenes"
export MAPVIZ_THEMES="$top/assets/themes"
export LANG=C.UTF-8 LC_ALL=C.UTF-8

cd "$top" || exit 1
for tool in tmux python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "skip: $tool is not installed, the challenge end-to-end tests did not run"
		echo "tui-challenge: 0 passed, 0 failed"
		exit 0
	fi
done

# witness SCENE WANT: the digits (1-9, space-separated) of the shortest
# witness of the challenge's goal (WANT=win) or of the shortest other
# ending (WANT=lose); nothing when there is none.
witness() {
	"$BIN" run "$1" --format jsonl --steps 0 2>/dev/null | head -n 1 >"$tmp/head.json"
	"$BIN" explore "$1" --format json >"$tmp/explore.json" 2>"$tmp/explore.err" || return
	python3 - "$1" "$2" "$tmp/head.json" "$tmp/explore.json" <<'EOF'
import json, re, sys
scene, want, head, explore = sys.argv[1:5]
text = open(scene).read()
m = re.search(r'^challenge:(.*?)(?=^\S|\Z)', text, re.S | re.M)
if not m:
    sys.exit(0)
block = m.group(1)
goal = re.search(r'goal:\s*"?(\w+)', block).group(1)
msg = re.search(r'message:\s*"([^"]*)"', block)
msg = msg.group(1) if msg else None
workers = json.load(open(head))["workers"]
def is_goal(c):
    o = c["outcome"]
    if o.split(":")[0] != goal:
        return False
    return msg is None or o.endswith(msg)
within = int(re.search(r'within:\s*(\d+)', block).group(1))
classes = [c for c in json.load(open(explore))["classes"] if is_goal(c) == (want == "win")]
if want == "win":  # a challenge that cannot be won in time has no winning witness
    classes = [c for c in classes if len(c["shortest"]) <= within]
if not classes:
    sys.exit(0)
best = min(classes, key=lambda c: len(c["shortest"]))
print(" ".join(str(workers.index(w) + 1) for w in best["shortest"]))
EOF
}

# A session on SCENE at 80x24 in which each digit runs one runtime step.
open_stepwise() {
	start 80 24 "LANG=C.UTF-8" "'$BIN' '$1'"
	wait_for 'step 0 of [0-9]+' 5 || return 1
	T send-keys -t e2e o
	wait_for 'now run (a whole operation|one runtime step)' 5 || return 1
	if screen | grep -q 'now run a whole operation'; then
		T send-keys -t e2e o
		wait_for 'now run one runtime step' 5 || return 1
	fi
	return 0
}

# type DIGITS: one key at a time, as a person would
type_digits() {
	for d in $1; do
		T send-keys -t e2e "$d"
	done
}

scenes=$(grep -l '^challenge:' scenes/*.yaml scenes/*/*.yaml 2>/dev/null)
scenes="$scenes $(ls tests/tui/scenes/challenge-*.yaml)"
wins=0
for sc in $scenes; do
	name=$(basename "$sc" .yaml)
	digits=$(witness "$sc" win)
	if [ -z "$digits" ]; then
		echo "skip: $name: no schedule wins it within its limit $(head -c 200 "$tmp/explore.err")"
		continue
	fi
	n=$(printf '%s\n' "$digits" | wc -w)
	if ! open_stepwise "$sc"; then
		no "$name: opens in a challenge, stepwise"
		screen | sed 's/^/    | /'
		continue
	fi
	type_digits "$digits"
	if wait_for 'challenge won' 10 && wait_for "step $n of" 2; then
		ok "$name: won in $n steps with the witness typed as digits"
		wins=$((wins + 1))
	else
		no "$name: the witness ($digits) does not win"
		screen | sed 's/^/    | /'
	fi
	T send-keys -t e2e q
	wait_for 'EXIT:0' 5 || no "$name: q quits"
done
[ "$wins" -ge 3 ] && ok "at least three challenges won ($wins)" || no "only $wins challenges won (want 3)"

# a campaign challenge lost: the shortest run that ends some other way
losses=0
for sc in $scenes; do
	case $sc in tests/*) continue ;; esac
	lose=$(witness "$sc" lose)
	[ -n "$lose" ] || continue
	name=$(basename "$sc" .yaml)
	open_stepwise "$sc" || continue
	type_digits "$lose"
	check "$name: lost with a run that ends otherwise" 'challenge lost' 10
	check "$name: the loss offers a retry" 'Home: try again'
	T send-keys -t e2e Home
	check "$name: Home: step 0 again" 'step 0 of [0-9]+'
	T send-keys -t e2e q
	losses=1
	break
done
[ "$losses" -eq 1 ] || echo "skip: no campaign challenge with a losing run in scenes/"

# a loss: the shortest run that ends otherwise; then Home, and a win
sc=tests/tui/scenes/challenge-lost-update.yaml
lose=$(witness "$sc" lose)
win=$(witness "$sc" win)
if [ -n "$lose" ] && open_stepwise "$sc"; then
	# A runs alone to its end, then B reads what A wrote
	type_digits "1 1 1 1 1 1 1 1 1 1 1 1 1 1 2 2 2 2"
	check "the variable's value beside the goroutine" 'inc-B .* v = 1'
	T send-keys -t e2e Home
	check "Home: back at step 0 (v as at the start)" 'step 0 of 60'
	type_digits "$lose"
	check "a loss: the overlay says so" 'challenge lost' 10
	check "a loss: what happened instead" 'Instead, at step [0-9]+, it ended normally'
	check "a loss: the scene's advice" 'Make both goroutines read before either writes'
	check "a loss: Home tries again" 'Home: try again'
	T send-keys -t e2e Home
	check "Home: back at step 0" 'step 0 of 60'
	if screen | grep -q 'challenge lost'; then no "Home: the overlay is gone"; else ok "Home: the overlay is gone"; fi
	T send-keys -t e2e h
	check "h: a hint names the next goroutine" 'hint: run G[12] \(inc-[AB]\) next \(shortest way: [0-9]+ more steps\)'
	T send-keys -t e2e Space
	check "space: you are the scheduler" 'you are the scheduler: press 1-2'
	type_digits "$win"
	check "after a retry: won" 'challenge won'
	T send-keys -t e2e q
else
	no "a loss: no losing schedule or the scene does not open"
fi

# unwinnable from the start: h says so
if open_stepwise tests/tui/scenes/challenge-tight.yaml; then
	T send-keys -t e2e h
	check "h on an unwinnable challenge says no schedule reaches the goal" 'no schedule at all reaches the goal within 24 steps'
	T send-keys -t e2e q
fi

# x: the list of endings, Enter plays the selected one as the student's run
start 80 24 "LANG=C.UTF-8" "'$BIN' tests/tui/scenes/two-writers.yaml"
check "x: the scene opens" 'step 0 '
T send-keys -t e2e x
check "x lists how the run can end" 'explore: how the run can end from step 0'
check "x: a class with its runs" 'fatal: concurrent map writes +[0-9,]+ of [0-9,]+ runs'
check "x: its shortest witness" '4 steps: G1×3 G2'
T send-keys -t e2e Enter
check "Enter plays the witness: Go's report" 'fatal error: concurrent map writes'
check "Enter: the run is the student's own, at the witness's end" 'step 4 by hand'
T send-keys -t e2e Escape Left
check "the witness is a normal branch: ← steps back" 'step 3 by hand'
T send-keys -t e2e q
check "x: quits" 'EXIT:0'

# a long search: the progress line counts, Esc stops it and shows what it has
start 80 24 "NO_COLOR=1 LANG=C LC_ALL=C" "'$BIN' tests/tui/scenes/safemap-rwmutex.yaml"
check "long search: the scene opens" 'step 0 '
T send-keys -t e2e x
check "the progress line counts runs and steps" 'exploring from step 0: [0-9,]+ runs, [0-9,]+ steps - Esc cancels'
T send-keys -t e2e Escape
check "Esc stops the search: the partial list says so" 'incomplete: cancelled'
if screen | LC_ALL=C grep -q '[^ -~]'; then no "LANG=C: only ASCII in the explore list"; else ok "LANG=C: only ASCII in the explore list"; fi
T send-keys -t e2e Escape
sleep 0.3
T send-keys -t e2e q
check "long search: quits" 'EXIT:0'

counted tui-challenge
