#!/usr/bin/env bash
# Proves the lab harness end to end with rsplib only (no RSerPoolPU code):
# registrar on 127.0.0.1:3863, two Echo PEs in EchoPool and a PingPong PE, rspterminal echoes
# a line, the PE that answered is SIGKILLed mid-session, the same session must fail over and
# echo the next line from the other PE, the registrar must drop the dead PE, pingpongclient
# must get an Ack. Prints PASS or FAIL (with all logs) and timings.
# Usage: tests/lab/selftest.sh        (re-runs itself through run.sh when not in the lab)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "${LAB_RUN_DIR:-}" ]; then
    exec "$HERE/run.sh" --timeout 600 -- "$HERE/selftest.sh" "$@"
fi

POOL=$HERE/pool.sh
REG=127.0.0.1:3863
WORK=$(mktemp -d)
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%5.1f", b - a }'; }
step() { echo "selftest: [$(elapsed)s] $*"; }

fail() {
    echo "selftest: FAIL: $*"
    for f in "$WORK"/*.out; do [ -f "$f" ] && { echo "==== $(basename "$f")"; sed 's/\x1b\[[0-9;]*m//g' "$f"; }; done
    "$POOL" logs || true
    "$POOL" stop-all || true
    echo "FAIL"
    exit 1
}
trap 'fail "unexpected error on line $LINENO"' ERR

wait_for() {   # FILE REGEX SECONDS: until FILE has a line matching REGEX
    local deadline=$(($(date +%s) + $3))
    until grep -aEq "$2" "$1" 2>/dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}

step "lab mode $LAB_MODE$([ -f "$LAB_RUN_DIR/boot_to_cmd" ] && echo ", guest boot to command $(cat "$LAB_RUN_DIR/boot_to_cmd")s")"
checksctp >/dev/null || fail "no kernel SCTP in the lab"

"$POOL" start-registrar reg1 --asap "$REG" || fail "registrar did not start"
"$POOL" start-pe echo1 --kind echo --pool EchoPool --id 0x0000e001 --local 10.255.255.1:7001 --registrar "$REG" || fail "echo1"
"$POOL" start-pe echo2 --kind echo --pool EchoPool --id 0x0000e002 --local 10.255.255.1:7002 --registrar "$REG" || fail "echo2"
"$POOL" start-pe pp1 --kind pingpong --pool PingPongPool --id 0x0000e101 --local 10.255.255.1:7101 --registrar "$REG" || fail "pp1"
step "processes started"
"$POOL" wait-registered EchoPool --count 2 --timeout 60 || fail "EchoPool did not reach 2 elements"
"$POOL" wait-registered PingPongPool --count 1 --timeout 60 || fail "PingPongPool did not reach 1 element"
step "registered: EchoPool 2, PingPongPool 1"

# One rspterminal session fed through a FIFO, so lines can be sent one at a time.
# stdbuf -oL everywhere: to a file, rsplib's tools would block-buffer their output for ~20 s.
mkfifo "$WORK/term.in"
exec 3<>"$WORK/term.in"
stdbuf -oL rspterminal -poolhandle=EchoPool "-registrar=$REG" -loglevel=1 -logcolor=off \
    <"$WORK/term.in" >"$WORK/rspterminal.out" 2>&1 &
term=$!
echo "selftest-line-1" >&3
wait_for "$WORK/rspterminal.out" 'from PE \$0000e00[12]> selftest-line-1' 60 || fail "no echo of line 1"
first=$(grep -aoE 'from PE \$0000e00[12]> selftest-line-1' "$WORK/rspterminal.out" | head -1 | sed 's/.*e00\([12]\)>.*/\1/')
other=$((3 - first))
step "line 1 echoed by echo$first"

"$POOL" kill "echo$first"
echo "selftest-line-2" >&3
wait_for "$WORK/rspterminal.out" "from PE \\\$0000e00$other> selftest-line-2" 90 \
    || fail "session did not fail over to echo$other"
step "after SIGKILL of echo$first, line 2 echoed by echo$other (failover in session)"
kill -INT "$term"; wait "$term" 2>/dev/null || true
exec 3>&-

"$POOL" wait-registered EchoPool --count 1 --timeout 60 || fail "registrar kept the dead PE"
step "registrar dropped echo$first"

stdbuf -oL pingpongclient -poolhandle=PingPongPool "-registrar=$REG" -interval=500 -loglevel=1 -logcolor=off \
    </dev/null >"$WORK/pingpongclient.out" 2>&1 &
ppc=$!
wait_for "$WORK/pingpongclient.out" 'Ack #1 from PE \$0000e101' 60 || fail "pingpongclient got no Ack"
kill -INT "$ppc"; wait "$ppc" 2>/dev/null || true
step "pingpongclient got an Ack from pp1"

"$POOL" stop-all
for n in reg1 echo1 echo2 pp1; do
    ! "$POOL" pid "$n" >/dev/null 2>&1 || fail "$n still has a pid file after stop-all"
done
step "stop-all done"
trap - ERR
echo "PASS"
