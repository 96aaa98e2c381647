# End-to-end helpers in a real terminal, sourced by tests/tui/run.sh and
# tests/record/run.sh: every session gets a fresh tmux server on a private
# socket (no race with the previous one's exit), one window "e2e".
#
# The sourcing script sets: top (the checkout), E2E_NAME (socket prefix),
# E2E_DIR (where sessions start), E2E_TRIM=1 to drop trailing blanks from
# captured screens; and defines ok/no.  It calls e2e_cleanup on exit.

nsess=0
SOCK="$E2E_NAME-$$-0"

T() { tmux -L "$SOCK" "$@"; }

# Every server this run made, and their sockets.
e2e_cleanup() {
	i=0
	while [ "$i" -le "$nsess" ]; do
		tmux -L "$E2E_NAME-$$-$i" kill-server >/dev/null 2>&1
		i=$((i + 1))
	done
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$E2E_NAME-$$"*
}

# e2e_new_server: the next session's server (the previous one is killed)
e2e_new_server() {
	T kill-server >/dev/null 2>&1
	nsess=$((nsess + 1))
	SOCK="$E2E_NAME-$$-$nsess"
}

screen() {
	if [ "${E2E_TRIM:-0}" = 1 ]; then
		T capture-pane -p -t e2e | sed 's/ *$//' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
	else
		T capture-pane -p -t e2e
	fi
}

# wait_for PATTERN [SECONDS]: until the pane shows PATTERN (grep -E)
wait_for() {
	i=0
	lim=$((${2:-5} * 20))
	while [ $i -lt $lim ]; do
		screen | grep -qE -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# start W H ENV CMD...: a fresh session running CMD in $E2E_DIR with the
# bundled scenes and themes, then a shell line that reports the exit status
# and whether the terminal modes came back
start() {
	e2e_new_server
	w=$1 h=$2 envs=$3
	shift 3
	T -f /dev/null new-session -d -s e2e -x "$w" -y "$h" \
		"cd '$E2E_DIR'; env $envs MAPVIZ_SCENES='$top/scenes' MAPVIZ_THEMES='$top/assets/themes' $* ; echo EXIT:\$?; stty -a | grep -q ' icanon' && stty -a | grep -q ' echo ' && echo TTY:OK; sleep 600"
	T set-option -t e2e status off >/dev/null 2>&1
	T resize-window -t e2e -x "$w" -y "$h" >/dev/null 2>&1
}

# the mapviz of the session: the child of the pane's shell (env execs it)
mapviz_pid() { pgrep -P "$(T list-panes -t e2e -F '#{pane_pid}' | head -n 1)" | head -n 1; }

check() { # NAME PATTERN [SECONDS]
	if wait_for "$2" "${3:-5}"; then ok "$1"; else
		no "$1: the screen does not show /$2/:"
		screen | sed 's/^/    | /'
	fi
}
