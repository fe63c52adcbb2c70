# Shared by the check scripts that need moto_server (pinned in tools/requirements.txt,
# installed into .tools/venv by scripts/install-tools, started with the patch of
# tools/moto-patch applied: see rootski_moto_patch.py). Source it after setting ROOT.
# MOTO_ACCOUNT_ID in the environment picks moto's default account.
#
#   start_moto WORKDIR   start moto_server on a free 127.0.0.1 port, log to
#                        WORKDIR/moto.log, wait (bounded: 150 tries) until it answers;
#                        sets MOTO_PID, MOTO_PORT, MOTO_ENDPOINT, MOTO_LOG
#   stop_moto            stop it (TERM, up to 5 s, then KILL); safe to call twice
#
# Callers: `start_moto "$work" || exit 1`, and `stop_moto` in their EXIT trap.

. "$ROOT/scripts/lib/proc.sh"

start_moto() {
    local work=$1
    local bin="$ROOT/.tools/venv/bin/moto_server_patched"
    [ -x "$bin" ] || { echo "moto_server not found: run scripts/install-tools" >&2; return 1; }
    MOTO_PORT=$(free_port)
    MOTO_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
    MOTO_LOG="$work/moto.log"
    "$bin" -H 127.0.0.1 -p "$MOTO_PORT" >"$MOTO_LOG" 2>&1 &
    MOTO_PID=$!
    for _ in $(seq 1 150); do
        if python3 -c "import urllib.request; urllib.request.urlopen('$MOTO_ENDPOINT/moto-api/data.json', timeout=1)" 2>/dev/null; then
            echo "-- moto_server on $MOTO_ENDPOINT"
            return 0
        fi
        kill -0 "$MOTO_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "moto_server did not answer on $MOTO_ENDPOINT:" >&2
    cat "$MOTO_LOG" >&2
    return 1
}

stop_moto() {
    stop_pid "${MOTO_PID:-}"
    MOTO_PID=
}
