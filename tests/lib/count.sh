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
