# Shared by benchmarks/lab/*-bench.sh (sourced, from the repository root).
# On the host: bench_build compiles the C drivers and our .NET driver. In the lab: bench_pool_up
# starts one rsplib registrar and N echo elements; bench_restart_pe brings a killed one back.

BENCH_BIN=benchmarks/lab/bin                                        # git-ignored (bin/)
# Our driver is published ReadyToRun (precompiled, as a .NET service is deployed): under TCG the JIT
# runs ~20x slower, and a failover's first-time methods cost tens of ms each to compile (runtime trace).
# BENCH_R2R=0 measures the plain JIT build instead.
export BENCH_R2R=${BENCH_R2R:-1}
if [ "$BENCH_R2R" = 1 ]; then
    BENCH_DEFAULT_DLL=benchmarks/RSerPool.LabBench/bin/r2r/RSerPool.LabBench.dll
else
    BENCH_DEFAULT_DLL=benchmarks/RSerPool.LabBench/bin/Release/net10.0/RSerPool.LabBench.dll
fi
# BENCH_DLL: another build of our driver (e.g. against a patched core); then nothing is built for it.
BENCH_DLL=${BENCH_DLL:-$BENCH_DEFAULT_DLL}
# The failover runs (session-bench.sh part c) use the driver published self-contained with composite
# ReadyToRun: the framework precompiled together with our code, so the runtime's generic code over our
# types (async method builders over our state machines, Task.WhenAny over Task<Answer>...) is
# precompiled too, where the plain ReadyToRun build compiles it on first use. With tiering off, a
# failover path's first use in a process then compiled at full optimization under TCG: one failover
# in about five stalled 130-250 ms (runtime trace: AsyncTaskMethodBuilder<bool>.Start, Task.WhenAny).
# With this build the process compiled 88-121 methods in all, against 400-530, and 14 hedged runs
# had none of those stalls (the longest 40.6 ms). A latency-sensitive .NET service can be deployed so;
# rsplib's driver is native code. The rates keep the plain ReadyToRun build with tiering, whose
# tier-1 code serves a request loop better. BENCH_FAILOVER_CMD replaces it (e.g. "dotnet $BENCH_DLL").
BENCH_COMPOSITE_DIR=benchmarks/RSerPool.LabBench/bin/r2rc
if [ "$BENCH_DLL" = "$BENCH_DEFAULT_DLL" ] && [ "$BENCH_R2R" = 1 ]; then
    BENCH_FAILOVER_CMD=${BENCH_FAILOVER_CMD:-$BENCH_COMPOSITE_DIR/RSerPool.LabBench}
else
    BENCH_FAILOVER_CMD=${BENCH_FAILOVER_CMD:-dotnet $BENCH_DLL}
fi
# Our driver's runtime settings (BENCH_OURS_ENV replaces both): tiered compilation as .NET ships it,
# without the instrumented tier (TieredPGO=0: less JIT work under the emulated CPU, where the JIT
# runs ~20x slower). Our driver's warm-up lasts until the runtime has stopped compiling
# (RSerPool.LabBench's CompilerQuiet: the JIT's method count and the tiered-compilation thread's CPU
# time unchanged for a second, at most 30 s): without that, perf sched in the guest showed the
# tier-1 backlog taking most of one of the guest's two CPUs during the timing, for tens of seconds
# after start-up, and 28-56 ms of CPU in the 60 ms after each kill.
# Rates (parts a and b, resolution-bench.sh): without the 100 ms call-counting delay, as in the
# earlier boots (each new tier-0 method restarts that delay, so tier-1 code arrives later; four boots
# with the delay showed no difference in the rates either way). The steady state itself is the same.
# Failover (part c): with .NET's delay, as shipped. A failover A/B in one boot, two rounds of 5
# -Standby runs: medians of 30.0 and 30.6 ms with the delay, 36.1 and 52.2 ms without (rsplib 20.3
# and 30.2); without it a runtime trace showed tier-1 recompiles (Task.ConfigureAwait and its
# awaiter) between a failover's resend and its answer, methods the failover had pushed over the
# call-count threshold. "DOTNET_TieredCompilation=0" (no background compilation at all; R2R code
# kept) measured the same as tiered compilation within the noise (benchmarks/lab/README.md).
# Later (2026-12-02), perf sched of hedged failover runs showed the tiered-compilation thread using
# 15-31 ms of CPU in the 40 ms after 5 of 7 kills, on one of the guest's two CPUs: a process that
# has failed over only a few times keeps pushing failover methods over the call-count threshold,
# and their tier-1 compiles land in the next failovers. A long-running pool user has compiled its
# failover path long before; the failover driver runs without tiering (the ReadyToRun code, no
# background compiler), which is that steady state with code no better than tier 1's.
BENCH_OURS_ENV_DEFAULT="DOTNET_TieredPGO=0 DOTNET_TC_CallCountingDelayMs=0"
BENCH_OURS_FAILOVER_ENV_DEFAULT="DOTNET_TieredPGO=0 DOTNET_TieredCompilation=0"
BENCH_POOL=BenchPool
BENCH_REGISTRAR=127.0.0.1:3863
POOL_SH=tests/lab/pool.sh

bench_log() { echo "bench: [$(date +%H:%M:%S)] $*" >&2; }

# ---- host ----------------------------------------------------------------------------------
bench_build() {
    if ! dpkg -s librsplib-dev >/dev/null 2>&1; then
        bench_log "installing librsplib-dev"
        apt-get update -qq && apt-get install -y -qq librsplib-dev >/dev/null
    fi
    mkdir -p "$BENCH_BIN"
    gcc -O2 -Wall -o "$BENCH_BIN/hres-rsplib" benchmarks/lab/hres-rsplib.c -lrsplib
    gcc -O2 -Wall -pthread -o "$BENCH_BIN/echo-rsplib" benchmarks/lab/echo-rsplib.c -lrsplib
    gcc -O2 -Wall -o "$BENCH_BIN/echo-raw" benchmarks/lab/echo-raw.c
    if [ "$BENCH_DLL" = "$BENCH_DEFAULT_DLL" ]; then
        if [ "$BENCH_R2R" = 1 ]; then
            bench_log "publishing RSerPool.LabBench (Release, ReadyToRun)"
            dotnet publish benchmarks/RSerPool.LabBench -c Release -r linux-x64 --self-contained false \
                -p:PublishReadyToRun=true -o benchmarks/RSerPool.LabBench/bin/r2r -nologo -v:quiet -clp:ErrorsOnly >&2
            if [ "$BENCH_FAILOVER_CMD" = "$BENCH_COMPOSITE_DIR/RSerPool.LabBench" ]; then
                # Its own intermediate and output directories: a composite publish rewrites the
                # assemblies it compiles into stubs of the composite image, which the plain build must
                # not pick up, nor this one the plain build's framework-dependent runtimeconfig.
                bench_log "publishing the failover driver (self-contained, composite ReadyToRun; about a minute)"
                dotnet publish benchmarks/RSerPool.LabBench -c Release -r linux-x64 --self-contained true \
                    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true \
                    -p:IntermediateOutputPath=obj/composite/ -p:OutputPath=bin/composite/ \
                    -o "$BENCH_COMPOSITE_DIR" -nologo -v:quiet -clp:ErrorsOnly >&2
            fi
        else
            bench_log "building RSerPool.LabBench (Release, JIT)"
            dotnet build benchmarks/RSerPool.LabBench -c Release -nologo -v:quiet -clp:ErrorsOnly >&2
        fi
    else
        bench_log "using our driver $BENCH_DLL (not rebuilt)"
    fi
    # run.sh rebuilds its VM pieces itself when stale; setup.sh also installs qemu and rsplib.
    if ! command -v qemu-system-x86_64 >/dev/null || ! command -v rspserver >/dev/null; then
        bash tests/lab/setup.sh >&2
    fi
}

# ---- lab -----------------------------------------------------------------------------------
# Element i (1..N): name pe0000b00i, identifier 0x0000b00i, SCTP port 7600+i on pool0. The drivers
# find the pid of the element serving them as $LAB_STATE/pe<identifier as 8 hex digits>.pid.
bench_pe_start() {   # NAME
    local id=${1#pe}
    bash $POOL_SH start-pe "$1" --kind echo --pool $BENCH_POOL --id "0x$id" \
        --registrar $BENCH_REGISTRAR --local "10.255.255.1:$((7600 + 16#$id - 16#b000))" 2>/dev/null
}

bench_pool_up() {   # N
    bash $POOL_SH start-registrar reg --asap $BENCH_REGISTRAR 2>/dev/null
    local i
    for i in $(seq 1 "$1"); do bench_pe_start "pe0000b00$i"; done
    bash $POOL_SH wait-registered $BENCH_POOL --count "$1" --timeout 120
}

bench_restart_pe() {   # NAME: after a SIGKILL: wait until the registrar dropped it, start it again
    local n
    n=$(ls "$LAB_STATE"/pe*.kind | wc -l)
    bash $POOL_SH wait-registered $BENCH_POOL --count $((n - 1)) --timeout 60 2>/dev/null
    bench_pe_start "$1"
    bash $POOL_SH wait-registered $BENCH_POOL --count "$n" --timeout 60 2>/dev/null
}

# Reads KEY=VALUE from a RESULT line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# Median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "nan"; else printf "%.2f", a / b }'; }
