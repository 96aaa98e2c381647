# Sourced by scripts that build Go programs.  Never trust whichever `go`
# comes first on PATH: the classic map's oracle and benchmark twins need Go
# 1.19 exactly, the Swiss map's need Go 1.26 or newer.
#
#   GO119=$(go_tool 1.19) || die ...   # a path to Go 1.19's go
#   GO126=$(go_tool 1.26) || die ...   # a path to Go >= 1.26's go
#
# Candidates, in order: $MAPVIZ_GO119 / $MAPVIZ_GO126 if set, then the
# places Debian and the Go tarball put them.  Each is asked `go env
# GOVERSION`; the first that fits is printed.  On failure go_tool prints
# what it tried on stderr and returns 1.

go_tool_fits() { # WANT VERSION
	case $1 in
	1.19) case $2 in go1.19 | go1.19.*) return 0 ;; esac ;;
	1.26)
		v=${2#go}
		maj=${v%%.*}
		rest=${v#*.}
		min=${rest%%[!0-9]*}
		[ "$maj" = 1 ] && [ -n "$min" ] && [ "$min" -ge 26 ] && return 0
		;;
	esac
	return 1
}

go_tool() { # WANT (1.19 | 1.26)
	case $1 in
	1.19) cands="${MAPVIZ_GO119:-} /usr/lib/go-1.19/bin/go /usr/bin/go" ;;
	1.26) cands="${MAPVIZ_GO126:-} /usr/local/go/bin/go /usr/lib/go-1.26/bin/go" ;;
	*) echo "go_tool: unknown version $1" >&2; return 1 ;;
	esac
	tried=""
	for g in $cands; do
		[ -x "$g" ] || continue
		v=$(GOTOOLCHAIN=local "$g" env GOVERSION 2>/dev/null)
		if go_tool_fits "$1" "$v"; then
			printf '%s\n' "$g"
			return 0
		fi
		tried="$tried $g ($v)"
	done
	if [ "$1" = 1.19 ]; then
		echo "Go 1.19 not found (tried:${tried:- nothing}); Debian: apt-get install golang-1.19-go" >&2
	else
		echo "Go >= 1.26 not found (tried:${tried:- nothing}); install it at /usr/local/go or set MAPVIZ_GO126" >&2
	fi
	return 1
}
