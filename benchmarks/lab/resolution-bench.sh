#!/usr/bin/env bash
# Side-by-side benchmark (issue 5 §7): N uncached handle resolutions through our core
# (PoolUser.ResolveAsync with refresh and a zero stale-cache value) and N through rsplib's own pool
# user (hres-rsplib.c: rsp_getaddrinfo with staleCacheValue 0), against the same rsplib registrar
# and pool of 3 echo elements, in one lab boot. Prints both RESULT lines and the ratio
# (ours / rsplib; > 1 = we are faster). Each side warms up with N/10 resolutions first.
# Usage (as root, from anywhere): benchmarks/lab/resolution-bench.sh [N]     (default N=2000)
# BENCH_ROUNDS (default 3) repeats the pair back to back; the ratio is the median of the per-round
# ratios (TCG timings drift with the host's load).
set -euo pipefail
self=$(readlink -f "$0")
cd "$(dirname "$self")/../.."
. benchmarks/lab/lib.sh
n=${1:-2000}
export BENCH_ROUNDS=${BENCH_ROUNDS:-3}

if [ -z "${LAB_RUN_DIR:-}" ]; then
    bench_build   # the C drivers and RSerPool.LabBench, on the host
    bench_log "host load: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine skews TCG timings)"
    LAB_PASS_ENV="${LAB_PASS_ENV:-} BENCH_DLL BENCH_R2R BENCH_OURS_ENV BENCH_ROUNDS" exec bash tests/lab/run.sh --timeout 1200 -- bash "$self" "$n"
fi

# ---- Inside the lab ---------------------------------------------------------------------------
export LAB_STATE=/tmp/bench-state DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
report=$LAB_OUT/resolution-bench.txt
trap 'bash $POOL_SH logs >"$LAB_OUT/rsplib.log" 2>&1 || true; bash $POOL_SH stop-all >/dev/null 2>&1 || true' EXIT
bench_log "lab mode $LAB_MODE; $n resolutions per side, $BENCH_ROUNDS rounds"
bench_pool_up 3

# Our driver's runtime settings: BENCH_OURS_ENV_DEFAULT in lib.sh (BENCH_OURS_ENV replaces them).
read -r -a ours_env <<<"${BENCH_OURS_ENV:-$BENCH_OURS_ENV_DEFAULT}"
# Pre-warm, not counted: the guest reads the host's files over 9p; the first .NET process of a boot
# would otherwise page-fault its runtime in while it is being timed.
env "${ours_env[@]}" dotnet "$BENCH_DLL" resolve $BENCH_REGISTRAR $BENCH_POOL 50 >/dev/null
ours=() rsplib=() ratios=()
for round in $(seq 1 "$BENCH_ROUNDS"); do
    bench_log "round $round: rsplib"
    line=$("$BENCH_BIN/hres-rsplib" $BENCH_REGISTRAR $BENCH_POOL "$n" | grep '^RESULT')
    echo "$line" | tee -a "$report"
    r=$(field rate "$line")
    rsplib+=("$r")
    bench_log "round $round: ours"
    line=$(env "${ours_env[@]}" dotnet "$BENCH_DLL" resolve $BENCH_REGISTRAR $BENCH_POOL "$n" | grep '^RESULT')
    echo "$line" | tee -a "$report"
    o=$(field rate "$line")
    ours+=("$o")
    ratios+=("$(ratio "$o" "$r")")   # within the round: host load drifts between rounds
done
echo "RATIO ours/rsplib = $(median "${ratios[@]}") (uncached handle resolutions per second; median of the per-round ratios ${ratios[*]}; rates ours $(median "${ours[@]}"), rsplib $(median "${rsplib[@]}") (medians); same registrar, same boot; goal >= 1.0)" | tee -a "$report"
