# tests/lib/count.sh: what every test layer counts.  Source it, say ok or
# no for each check, and end with `counted LAYER`: the summary line
# ("LAYER: N passed, N failed") and the layer's status (0: none failed).
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
no() { fail=$((fail + 1)); echo "FAIL $1"; }
counted() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# layer_tmp: tmp, a fresh directory removed on exit, with the tmux servers
# of tests/lib/e2e.sh when the layer sources it (after this call).
layer_tmp() {
	tmp=$(mktemp -d)
	trap 'if command -v e2e_cleanup >/dev/null 2>&1; then e2e_cleanup; fi; rm -rf "$tmp"' EXIT
}
