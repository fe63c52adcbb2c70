# Process helpers of the check and bench scripts. Source it after setting ROOT.
#
#   free_port        print a free TCP port on 127.0.0.1
#   stop_pid PID     stop PID (TERM, up to 5 s, then KILL) and reap it; safe to call
#                    with an empty or finished PID

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_pid() {
    local pid=${1:-}
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
