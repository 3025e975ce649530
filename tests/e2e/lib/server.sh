# tests/e2e/lib/server.sh: the start-up the REST and shell e2e tests share, sourced after `set -u`.
# Sets BIN, a temp DIR, the tmux command T on a private socket, PID (the server) and CURL (a
# background client), all stopped and removed on exit; defines free_port, sluiced_start and
# sluiced_wait, sluiced_up, a default fail() and post(), and the tmux shell helpers shell_start,
# screen, wait_for (WAIT_TRIES tenths of a second) and type_line.
BIN=${SLUICE_BIN:-$(dirname "$0")/../../build/bin}
DIR=$(mktemp -d)
# the tmux server's socket lives in DIR: no directory shared with other tests
T="tmux -S $DIR/tmux.sock -f /dev/null"
PID=
CURL=
WAIT_TRIES=100
cleanup() {
        $T kill-server 2>/dev/null
        [ -n "$CURL" ] && kill "$CURL" 2>/dev/null
        [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
        rm -rf "$DIR"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# sluiced_start URL [ARGS...]: sluiced listening on URL with its broker on a free port KAFKA, logging
# to $DIR/log; sets PID.
sluiced_start() {
        local url=$1
        shift
        KAFKA=$(free_port)
        "$BIN/sluiced" --data.dir="$DIR/data" --broker.listeners=PLAINTEXT://127.0.0.1:$KAFKA --listeners="$url" "$@" \
                >"$DIR/log" 2>&1 &
        PID=$!
}
# sluiced_wait: until the server at URL answers /info (10 s at the most).
sluiced_wait() { for _ in $(seq 100); do curl -s -o /dev/null "$URL/info" && break; sleep 0.1; done; }
# sluiced_up [ARGS...]: sluiced_start on a free port (URL set here), then sluiced_wait.
sluiced_up() {
        URL=http://127.0.0.1:$(free_port)
        sluiced_start "$URL" "$@"
        sluiced_wait
}
# fail MESSAGE: the message and the server log's tail, exit 1 (tests that show more redefine it).
fail() { echo "FAIL: $*"; tail -5 "$DIR/log"; exit 1; }
# post CURL-ARGS...: a POST with a JSON body (tests with other clients redefine it).
post() { curl -s -X POST -H 'Content-Type: application/json' "$@"; }

# shell_start HOME: the sluice shell against URL in the tmux session "shell", with HOME.
# A tmux server that dies while starting (seen once in a while on a loaded machine) is started again.
shell_start() {
        for _ in 1 2 3; do
                $T new-session -d -s shell -x 160 -y 60 \
                        "HOME=$1 TERM=xterm $BIN/sluice $URL; echo SHELL-EXIT=\$?; sleep 30" 2>>"$DIR/tmux.err" &&
                        $T has-session -t shell 2>/dev/null && return 0
                sleep 0.5
        done
        echo "tmux did not start: $(cat "$DIR/tmux.err")"
        exit 1
}
screen() { $T capture-pane -t shell -p -S -2000 >"$DIR/screen"; }
# wait_for TEXT: until the screen shows TEXT (WAIT_TRIES tenths of a second), else fail.
wait_for() {
        for _ in $(seq "$WAIT_TRIES"); do
                screen
                grep -qF -- "$1" "$DIR/screen" && return 0
                sleep 0.1
        done
        fail "the screen never showed: $1"
}
type_line() { $T send-keys -t shell -l "${1%;}"; $T send-keys -t shell -H 3b; $T send-keys -t shell Enter; }
