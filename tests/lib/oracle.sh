# tests/lib/oracle.sh: what the three oracle suites (tests/oracle/run.sh,
# swiss-run.sh, hashtrie-run.sh) share once their oracle is built.  Source
# it after defining die(); then
#
#   oracle_setup NAME ORACLE SECS "$@"
#
# sets seed (ORACLE_SEED, else a fresh one, said on stdout), tmp (a
# directory removed on exit), secs (SECS, or ORACLE_TIMEOUT) and limit (a
# `timeout $secs` prefix, empty without timeout(1)), filters (the command line's
# WORKLOAD or WORKLOAD/KIND words) and names (the oracle's workloads; a
# filter naming none of them is an error), and defines wanted NAME KIND.

# wanted NAME KIND: is this trace selected by the command line?
wanted() {
	[ -z "$filters" ] && return 0
	for f in $filters; do
		case $f in
		"$1" | "$1/$2") return 0 ;;
		esac
	done
	return 1
}

oracle_setup() { # NAME ORACLE SECS [FILTER...]
	_name=$1 _oracle=$2 _secs=$3
	shift 3
	seed=${ORACLE_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n')}
	case $seed in
	'' | *[!0-9]*) die "ORACLE_SEED must be a decimal number, not '$seed'" ;;
	esac
	echo "$_name: seed $seed (ORACLE_SEED=$seed repeats the op sequences)"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/mapviz-$_name.XXXXXX") || die "mktemp failed"
	trap 'rm -rf "$tmp"' EXIT INT TERM
	secs=${ORACLE_TIMEOUT:-$_secs}
	limit=""
	if command -v timeout >/dev/null 2>&1; then
		limit="timeout $secs"
	fi
	filters="$*"
	names=$("$_oracle" list | awk '{print $1}') || die "$_name list failed"
	for f in $filters; do
		echo "$names" | grep -qx "${f%/*}" || die "no workload '${f%/*}' ($_name list: $(echo $names))"
	done
}
