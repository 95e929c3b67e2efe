#!/usr/bin/env bash
# Side-by-side session benchmark (issue 6 §6), in ONE lab boot, against the same rsplib registrar
# and rspserver echo elements:
#   a. echo requests/s on one session, one outstanding: ours (PoolSession.RequestAsync) vs rsplib's
#      PU (echo-rsplib.c: rsp_sendmsg/rsp_recvmsg) vs a bare C SCTP client straight to an element
#      (echo-raw.c; the ceiling there: rspserver itself is the bottleneck)
#   b. our SCTP transport alone (SctpChannelFactory, no ASAP) vs the bare C client, both against a
#      raw C SCTP echo server (the physical limit)
#   c. failover: SIGKILL the serving element during a request loop; time from the kill to the next
#      answer from another element, and requests lost; ours (idempotent requests) vs rsplib's PU
#      (rspterminal's reaction: rsp_forcefailover on FAILOVER_NECESSARY); median of RUNS runs, after
#      BENCH_FAILOVER_WARMUP runs that are not counted (each driver, rsplib's too). Before
#      each kill our driver goes on with requests until the runtime has stopped compiling (SETTLE
#      lines; BENCH_SETTLE=0 skips it): a failover of a process at steady state, not of one still
#      compiling its start-up. Ours runs three ways: plain, with a standby association, and with
#      hedged requests (RequestOptions.HedgeAfter: a request not answered within the delay also
#      goes to the standby; the first answer wins).
# Usage (as root, from anywhere): benchmarks/lab/session-bench.sh
# Knobs (environment): BENCH_WARMUP (s, 5), BENCH_SECONDS (s per rate measurement, 5),
# BENCH_ROUNDS (rate rounds, 6: the drivers run in reverse order in even rounds, and the sessions
# meet each of the three elements twice), BENCH_RUNS (failover runs, 5),
# BENCH_FAILOVER_WARMUP (failover runs before those, not counted, 2: see FailoverWarmups in
# RSerPool.LabBench; the first failover through a code path is slow in any fresh .NET process),
# BENCH_SIZE (request bytes, 64), BENCH_HEDGE (the hedged drivers, one run of part c's each: a delay in ms, "auto"
# for RequestOptions.AdaptiveHedge, the 95th percentile of the session's latest round trips, or "auto:MS", that at
# most MS ms; "3 auto"), BENCH_HEDGE_RATE=1 (part a also runs our session over a standby with each
# BENCH_HEDGE's hedging: what hedging costs a request loop),
# BENCH_PARTS (which of "a b c" to run, all by default),
# BENCH_CAPTURE=1 (tcpdump of part c's SCTP packets to <run>/out/failover.pcap, to see where a
# failover's time goes: the kernel's ABORT/SHUTDOWN, our resend, the new element's answer; tcpdump
# runs in the guest beside the drivers, so numbers taken with it are not the benchmark's),
# BENCH_TIMELINE=0 (our core's log calls find logging off: no TIMELINE steps; what logging costs). Results also go to tests/lab/.runs/<id>/out/session-bench.txt.
set -euo pipefail
self=$(readlink -f "$0")
cd "$(dirname "$self")/../.."
. benchmarks/lab/lib.sh

if [ "${1:-}" = --restart-pe ]; then   # the failover drivers' hook, in the lab
    bench_restart_pe "$2"
    exit
fi

export BENCH_WARMUP=${BENCH_WARMUP:-5} BENCH_SECONDS=${BENCH_SECONDS:-5} BENCH_ROUNDS=${BENCH_ROUNDS:-6}
export BENCH_RUNS=${BENCH_RUNS:-5} BENCH_SIZE=${BENCH_SIZE:-64} BENCH_PARTS=${BENCH_PARTS:-a b c}
export BENCH_FAILOVER_WARMUP=${BENCH_FAILOVER_WARMUP:-2}

if [ -z "${LAB_RUN_DIR:-}" ]; then
    # On the host: build everything here (the lab runs the host's files read-only), then run this
    # script again inside the lab. BENCH_* reach the guest (run.sh passes LAB_PASS_ENV names).
    bench_build
    bench_log "host load: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine skews TCG timings)"
    LAB_PASS_ENV="${LAB_PASS_ENV:-} BENCH_DLL BENCH_R2R BENCH_FAILOVER_CMD BENCH_OURS_ENV BENCH_WARMUP BENCH_SECONDS BENCH_ROUNDS BENCH_RUNS BENCH_FAILOVER_WARMUP BENCH_SIZE BENCH_HEDGE BENCH_HEDGE_RATE BENCH_PARTS BENCH_CAPTURE BENCH_SETTLE BENCH_TIMELINE" \
        exec bash tests/lab/run.sh --timeout 1800 -- bash "$self" "$@"
fi

# ---- Inside the lab ---------------------------------------------------------------------------
export LAB_STATE=/tmp/bench-state DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
report=$LAB_OUT/session-bench.txt
raw_server=10.255.255.1:7700
server_pid= capture_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    if [ -n "$capture_pid" ]; then
        kill "$capture_pid" 2>/dev/null || true
        wait "$capture_pid" 2>/dev/null || true
        cp /tmp/failover.pcap "$LAB_OUT/failover.pcap" 2>/dev/null || true
    fi
    bash $POOL_SH logs >"$LAB_OUT/rsplib.log" 2>&1 || true
    bash $POOL_SH stop-all >/dev/null 2>&1 || true
}
trap cleanup EXIT
w=$BENCH_WARMUP s=$BENCH_SECONDS z=$BENCH_SIZE
# Our driver's runtime settings, for the rates and for the failover: BENCH_OURS_ENV_DEFAULT and
# BENCH_OURS_FAILOVER_ENV_DEFAULT in lib.sh (BENCH_OURS_ENV replaces both).
read -r -a ours_env <<<"${BENCH_OURS_ENV:-$BENCH_OURS_ENV_DEFAULT}"
read -r -a ours_fo_env <<<"${BENCH_OURS_ENV:-$BENCH_OURS_FAILOVER_ENV_DEFAULT}"
ours=(env "${ours_env[@]}" dotnet "$BENCH_DLL")
read -r -a fo_cmd <<<"$BENCH_FAILOVER_CMD"
ours_fo=(env "${ours_fo_env[@]}" "${fo_cmd[@]}")
bench_log "our driver: ${ours[*]}; failover: ${ours_fo[*]}"
hook="bash $self --restart-pe"

bench_log "lab mode $LAB_MODE; warm-up ${w}s, ${s}s per rate, $BENCH_ROUNDS rounds, $BENCH_RUNS failover runs (after $BENCH_FAILOVER_WARMUP not counted), ${z}-byte requests"
bench_pool_up 3
"$BENCH_BIN/echo-raw" server $raw_server &
server_pid=$!

declare -A rates=() cpus=()
run() {   # KEY COMMAND...: runs one driver, keeps its RESULT line(s)
    local key=$1 out line; shift
    bench_log "$key: $*"
    out=$("$@") || { echo "$out"; bench_log "$key FAILED"; return 1; }
    while IFS= read -r line; do
        case $line in RESULT*) echo "$line [$key]" | tee -a "$report" ;; esac
    done <<<"$out"
    line=$(grep '^RESULT' <<<"$out" | tail -1)
    rates[$key]="${rates[$key]:-} $(field rate "$line")"
    cpus[$key]="${cpus[$key]:-} $(field cpu_us_per_req "$line")"
}

part() { case " $BENCH_PARTS " in *" $1 "*) return 0 ;; esac; return 1; }
# Pre-warm, not counted: the guest reads the host's files over 9p, so the first .NET process of a
# boot page-faults its runtime in during its own measurement window (seen: 5-10x slower first rounds).
bench_log "pre-warm pass (not counted)"
"${ours[@]}" transport $raw_server 1 1 "$z" >/dev/null
"${ours[@]}" session $BENCH_REGISTRAR $BENCH_POOL 1 1 "$z" >/dev/null
part c && "${ours_fo[@]}" transport $raw_server 1 1 "$z" >/dev/null   # the failover driver's own build
"$BENCH_BIN/echo-rsplib" rate $BENCH_REGISTRAR $BENCH_POOL 1 1 "$z" >/dev/null
"$BENCH_BIN/echo-raw" client $raw_server 1 1 "$z" >/dev/null

declare -a r_session=() r_transport=() r_rsplib_raw=()
# One round's drivers, in the order of odd rounds; even rounds run them in reverse, so neither side
# of a ratio always runs first (a slow spell of the host at a round's start or end hits both sides).
round_steps() {
    if part a; then
        # a. one session against the pool; the bare client goes straight to element 1.
        echo session-ours
        echo session-rsplib
        echo session-raw
        # (diagnostic: our transport alone straight to the same element, no session layer)
        echo session-ourtransport
        # (diagnostic, BENCH_HEDGE_RATE=1: the same session over a standby with each BENCH_HEDGE's hedging)
        if [ "${BENCH_HEDGE_RATE:-0}" = 1 ]; then
            for h in ${BENCH_HEDGE:-3 auto}; do echo "session-ours-hedge-$h"; done
        fi
    fi
    # b. transports alone against the raw echo server.
    if part b; then
        echo transport-raw
        echo transport-ours
    fi
}
run_step() {   # KEY
    case $1 in
        session-ours) run "$1" "${ours[@]}" session $BENCH_REGISTRAR $BENCH_POOL "$w" "$s" "$z" ;;
        session-rsplib) run "$1" "$BENCH_BIN/echo-rsplib" rate $BENCH_REGISTRAR $BENCH_POOL "$w" "$s" "$z" ;;
        session-raw) run "$1" "$BENCH_BIN/echo-raw" client 10.255.255.1:7601 "$w" "$s" "$z" raw-c-to-rspserver ;;
        session-ourtransport) run "$1" "${ours[@]}" transport 10.255.255.1:7601 "$w" "$s" "$z" ;;
        session-ours-hedge-*) run "$1" "${ours[@]}" session $BENCH_REGISTRAR $BENCH_POOL "$w" "$s" "$z" "hedge=${1#session-ours-hedge-}" ;;
        transport-raw) run "$1" "$BENCH_BIN/echo-raw" client $raw_server "$w" "$s" "$z" raw-c ;;
        transport-ours) run "$1" "${ours[@]}" transport $raw_server "$w" "$s" "$z" ;;
    esac
}
for round in $(seq 1 "$BENCH_ROUNDS"); do
    part a || part b || break
    mapfile -t steps < <(round_steps)
    if [ $((round % 2)) = 0 ]; then mapfile -t steps < <(printf '%s\n' "${steps[@]}" | tac); fi
    bench_log "round $round: ${steps[*]}"
    for step in "${steps[@]}"; do run_step "$step"; done
    # Ratios within the round (the drivers ran back to back): host load drifts between rounds.
    last() { local v=(${rates[$1]:-}); echo "${v[-1]:-0}"; }
    part a && r_session+=("$(ratio "$(last session-ours)" "$(last session-rsplib)")")
    part a && r_rsplib_raw+=("$(ratio "$(last session-rsplib)" "$(last session-raw)")")
    part b && r_transport+=("$(ratio "$(last transport-ours)" "$(last transport-raw)")")
done

# c. failover, each driver in one process (its second and later runs have warm code paths).
fo_ours= fo_standby= fo_rsplib=
hedges=(${BENCH_HEDGE:-3 auto})
declare -A fo_hedged=()
if part c; then
if [ "${BENCH_CAPTURE:-0}" = 1 ]; then
    # Written to the guest's tmpfs and copied out at the end: the run folder is a 9p share written
    # through (cache=none), and a write per packet over it loaded the guest during the failovers.
    tcpdump -i any -s 256 -U -w /tmp/failover.pcap sctp 2>/dev/null &
    capture_pid=$!
    sleep 1
fi
# One failover driver (its command and arguments): its result lines go to the report and are printed.
failover_lines() { "$@" | grep '^RESULT\|^TIMELINE\|^TRACE\|^SETTLE\|^KILLED' | tee -a "$report"; }
# Brings back the element a driver's last run killed, so the next driver starts with all of them.
restart_last_killed() { bench_restart_pe "$(sed -n 's/.* mode=failover run='"$BENCH_RUNS"' killed=0x\([0-9a-f]*\).*/pe\1/p' <<<"$1")"; }
fo_args=(failover $BENCH_REGISTRAR $BENCH_POOL "$BENCH_RUNS" "$LAB_STATE" "$hook")
fo_ours=$(failover_lines "${ours_fo[@]}" "${fo_args[@]}")
echo "$fo_ours"
restart_last_killed "$fo_ours"
# The same with SessionOptions.Standby: an idle association kept open to the next element.
fo_standby=$(failover_lines "${ours_fo[@]}" "${fo_args[@]}" standby)
echo "$fo_standby"
restart_last_killed "$fo_standby"
# And with hedged requests over the standby (RequestOptions.HedgeAfter, AdaptiveHedge).
for h in "${hedges[@]}"; do
    fo_hedged[$h]=$(failover_lines "${ours_fo[@]}" "${fo_args[@]}" "hedge=$h")
    echo "${fo_hedged[$h]}"
    restart_last_killed "${fo_hedged[$h]}"
done
fo_rsplib=$(failover_lines "$BENCH_BIN/echo-rsplib" "${fo_args[@]}")
echo "$fo_rsplib"
fi

m() { median ${rates[$1]:-}; }
c() { median ${cpus[$1]:-}; }
fo_ms() { field failover_ms "$(grep failover-median <<<"$1")"; }
fo_lost() { field lost_total "$(grep failover-median <<<"$1")"; }
hedge_name() { case $1 in auto) echo "adaptive";; auto:*) echo "adaptive <= ${1#auto:} ms";; *) echo "after $1 ms";; esac; }
fo_hedges() { local l; l=$(grep failover-median <<<"$1"); echo "$(field hedges_total "$l") of $(field requests_total "$l")"; }
{
    echo
    echo "SUMMARY session-bench $(date -u +%Y-%m-%dT%H:%MZ) lab=$LAB_MODE size=${z}B rounds=$BENCH_ROUNDS (median) failover runs=$BENCH_RUNS (median, after $BENCH_FAILOVER_WARMUP not counted)"
    printf '%-46s %10s %16s\n' "measurement" "value" "client CPU us/req"
    printf '%-46s %10s %16s\n' "a. session echo, ours (req/s)" "$(m session-ours)" "$(c session-ours)"
    printf '%-46s %10s %16s\n' "a. session echo, rsplib PU (req/s)" "$(m session-rsplib)" "$(c session-rsplib)"
    printf '%-46s %10s %16s\n' "a. bare C client to rspserver (req/s)" "$(m session-raw)" "$(c session-raw)"
    printf '%-46s %10s %16s\n' "a. (our transport alone to rspserver, req/s)" "$(m session-ourtransport)" "$(c session-ourtransport)"
    if [ "${BENCH_HEDGE_RATE:-0}" = 1 ]; then
        for h in "${hedges[@]}"; do
            printf '%-46s %10s %16s\n' "a. (ours over a standby, hedged $(hedge_name "$h"))" "$(m "session-ours-hedge-$h")" "$(c "session-ours-hedge-$h")"
        done
    fi
    printf '%-46s %10s %16s\n' "b. our SCTP transport, raw server (req/s)" "$(m transport-ours)" "$(c transport-ours)"
    printf '%-46s %10s %16s\n' "b. bare C client, raw server (req/s)" "$(m transport-raw)" "$(c transport-raw)"
    printf '%-46s %10s\n' "c. failover, ours (ms)" "$(fo_ms "$fo_ours")"
    printf '%-46s %10s\n' "c. failover, ours with Standby (ms)" "$(fo_ms "$fo_standby")"
    for h in "${hedges[@]}"; do
        printf '%-46s %10s\n' "c. failover, ours hedged $(hedge_name "$h") (ms)" "$(fo_ms "${fo_hedged[$h]:-}")"
    done
    printf '%-46s %10s\n' "c. failover, rsplib PU (ms)" "$(fo_ms "$fo_rsplib")"
    printf '%-46s %10s\n' "c. requests lost, ours (all runs)" "$(fo_lost "$fo_ours")"
    printf '%-46s %10s\n' "c. requests lost, ours with Standby (all runs)" "$(fo_lost "$fo_standby")"
    for h in "${hedges[@]}"; do
        printf '%-46s %10s\n' "c. requests lost, ours hedged $(hedge_name "$h")" "$(fo_lost "${fo_hedged[$h]:-}")"
    done
    printf '%-46s %10s\n' "c. requests lost, rsplib PU (all runs)" "$(fo_lost "$fo_rsplib")"
    for h in "${hedges[@]}"; do
        printf '%-46s %10s\n' "c. hedged requests $(hedge_name "$h"), of all sent" "$(fo_hedges "${fo_hedged[$h]:-}")"
    done
    echo "(ratios: median over rounds of the ratio within each round; per round: ${r_session[*]:-} | ${r_transport[*]:-})"
    echo "RATIO ours/rsplib request rate      = $(median "${r_session[@]}") (goal >= 1.0)"
    echo "RATIO rsplib/bare-client (rspserver) = $(median "${r_rsplib_raw[@]}") (issue 6 quotes ~0.96)"
    echo "RATIO our transport/raw C client    = $(median "${r_transport[@]}") (goal >= 0.9)"
    echo "RATIO our failover/rsplib failover  = $(ratio "$(fo_ms "$fo_ours")" "$(fo_ms "$fo_rsplib")") (goal <= 0.5, no request lost: ours lost $(fo_lost "$fo_ours"))"
    echo "RATIO our failover (Standby)/rsplib = $(ratio "$(fo_ms "$fo_standby")" "$(fo_ms "$fo_rsplib")") (goal <= 0.5, no request lost: ours lost $(fo_lost "$fo_standby"))"
    for h in "${hedges[@]}"; do
        echo "RATIO our failover (hedged $(hedge_name "$h"))/rsplib = $(ratio "$(fo_ms "${fo_hedged[$h]:-}")" "$(fo_ms "$fo_rsplib")") (goal <= 0.5, no request lost: ours lost $(fo_lost "${fo_hedged[$h]:-}"))"
    done
} | tee -a "$report"
