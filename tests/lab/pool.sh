#!/usr/bin/env bash
# Drives Debian's rsplib inside the lab (tests/lab/run.sh): registrars, pool elements, faults.
#
#   pool.sh start-registrar NAME [--asap ADDR:PORT | --no-asap] [--enrp ADDR:PORT]
#                                [--peer ADDR:PORT ...] [RSPLIB-ARG ...]
#   pool.sh start-pe NAME --kind echo|daytime|discard|chargen|pingpong --pool HANDLE --id 0xHEX
#                         [--registrar ADDR:PORT|none] [--local ADDR:PORT] [RSPLIB-ARG ...]
#   pool.sh stop NAME...       SIGTERM (rsplib deregisters / shuts down), SIGKILL after a grace
#   pool.sh kill NAME...       SIGKILL at once (a PE dying mid-session)
#   pool.sh freeze NAME | thaw NAME      SIGSTOP / SIGCONT
#   pool.sh wait-registered HANDLE [--count N] [--timeout S] [--enrp ADDR:PORT]
#                              until the registrar's handlespace holds exactly N elements in the
#                              pool (N=0: pool gone). Default N=1, S=60.
#   pool.sh ports NAME         SCTP ports the process has bound (from /proc/net/sctp/eps)
#   pool.sh drop-port PORT | undrop-port PORT   drop / pass SCTP to and from PORT (nftables)
#   pool.sh logs [NAME]        rsplib log and stdout of one process, or of all in start order
#   pool.sh pid NAME
#   pool.sh stop-all           SIGTERM all PEs and wait until they are gone (rsplib
#                              deregisters before exiting), then the registrars
#
# Defaults: registrar --asap 0.0.0.0:3863 --enrp 0.0.0.0:9901 with 2 s keep-alives and
# -maxbadpereports=2; PE --registrar 127.0.0.1:3863. Extra RSPLIB-ARGs come last, so they
# override the defaults (rsplib takes the last occurrence).
# Environment: LAB_STATE (default /tmp/lab-state) holds NAME.pid, NAME.log (rsplib log),
# NAME.out (stdout+stderr), NAME.kind, and the start order. LAB_GRACE (s, default 10): stop's
# grace before SIGKILL.
# Exit codes: 0 ok, 1 failure (message on stderr), 2 usage.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

STATE=${LAB_STATE:-/tmp/lab-state}
GRACE=${LAB_GRACE:-10}
mkdir -p "$STATE"

die() { echo "pool.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
# Builtins where it is cheap to use them: every fork+exec costs ~50 ms under TCG.
now() { echo "$EPOCHSECONDS"; }
kind_of() { local k=; [ -f "$STATE/$1.kind" ] && read -r k <"$STATE/$1.kind"; echo "$k"; }

alive() {   # PID still running (a zombie is dead)
    local st
    { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
    st=${st##*) }; st=${st%% *}
    [ "$st" != Z ] && [ "$st" != X ]
}
pid_of() {
    local p
    [ -f "$STATE/$1.pid" ] || die "no process named '$1' (see $STATE)"
    read -r p <"$STATE/$1.pid"; echo "$p"
}
check_name() {
    case $1 in ''|*[!A-Za-z0-9_.-]*) die "bad NAME '$1' (letters, digits, . _ -)" ;; esac
    if [ -f "$STATE/$1.pid" ] && alive "$(pid_of "$1")"; then die "'$1' is already running"; fi
    return 0
}

# Starts "$@" in the background with all three standard fds redirected, so a caller that
# captures our output (pwsh, $(...)) is not kept waiting by the daemon holding its pipe.
launch() {
    local name=$1 kind=$2; shift 2
    printf '%q ' "$@" >"$STATE/$name.cmd"
    : >"$STATE/$name.log"
    # stdbuf: rsplib's stdout is a file here, and block buffering would hold back its lines.
    stdbuf -oL -eL "$@" </dev/null >"$STATE/$name.out" 2>&1 &
    local pid=$!
    echo "$pid" >"$STATE/$name.pid"
    echo "$kind" >"$STATE/$name.kind"
    echo "$name" >>"$STATE/order"
    echo "$pid"
}

# Waits until the process has bound an SCTP endpoint (it is up and listening), or died.
wait_bound() {
    local name=$1 pid=$2 port=${3:-} deadline=$(($(now) + ${4:-30}))
    while :; do
        alive "$pid" || { show_logs "$name" >&2; die "'$name' exited during start-up"; }
        if [ -n "$port" ]; then
            awk -v p="$port" 'NR > 1 && $6 == p { f = 1 } END { exit !f }' /proc/net/sctp/eps 2>/dev/null && return 0
        elif [ -n "$(ports_of "$pid")" ]; then
            return 0
        fi
        [ "$(now)" -lt "$deadline" ] || { show_logs "$name" >&2; die "'$name' bound no SCTP port within ${4:-30}s"; }
        sleep 0.1
    done
}

ports_of() {   # SCTP ports whose socket inode is one of PID's fds
    local pid=$1 inodes
    inodes=$(find "/proc/$pid/fd" -maxdepth 1 -type l -printf '%l\n' 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
    [ -n "$inodes" ] || return 0
    awk -v ino=" $inodes" 'NR > 1 && index(ino, " " $8 " ") { print $6 }' /proc/net/sctp/eps 2>/dev/null | sort -un
}

port_of_addr() { echo "${1##*:}"; }

cmd_start_registrar() {
    local name=${1:-}; [ -n "$name" ] || usage; shift
    check_name "$name"
    local asap=0.0.0.0:3863 enrp=0.0.0.0:9901 extra=() peers=()
    while [ $# -gt 0 ]; do
        case $1 in
            --asap) asap=${2:?}; shift 2 ;;
            --no-asap) asap=; shift ;;   # rsplib picks "auto": a random port, learnt from announces
            --enrp) enrp=${2:?}; shift 2 ;;
            --peer) peers+=("-peer=${2:?}"); shift 2 ;;
            *) extra+=("$1"); shift ;;
        esac
    done
    local args=(rspregistrar -loglevel=3 -logcolor=off "-logfile=$STATE/$name.log"
        -endpointkeepalivetransmissioninterval=2000 -endpointkeepalivetimeoutinterval=2000
        -maxbadpereports=2 "-enrp=$enrp")
    [ -n "$asap" ] && args+=("-asap=$asap")
    args+=("${peers[@]}" "${extra[@]}")
    local pid
    pid=$(launch "$name" registrar "${args[@]}")
    echo "$enrp" >"$STATE/$name.enrp"
    wait_bound "$name" "$pid" "${asap:+$(port_of_addr "$asap")}"
    wait_bound "$name" "$pid" "$(port_of_addr "$enrp")"
    echo "pool.sh: registrar '$name' pid $pid asap=${asap:-auto} enrp=$enrp" >&2
}

cmd_start_pe() {
    local name=${1:-}; [ -n "$name" ] || usage; shift
    check_name "$name"
    local kind='' pool='' id='' registrar=127.0.0.1:3863 local_addr='' extra=()
    while [ $# -gt 0 ]; do
        case $1 in
            --kind) kind=${2:?}; shift 2 ;;
            --pool) pool=${2:?}; shift 2 ;;
            --id) id=${2:?}; shift 2 ;;
            --registrar) registrar=${2:?}; shift 2 ;;
            --local) local_addr=${2:?}; shift 2 ;;
            *) extra+=("$1"); shift ;;
        esac
    done
    case $kind in echo|daytime|discard|chargen|pingpong) ;; *) die "--kind echo|daytime|discard|chargen|pingpong is required" ;; esac
    [ -n "$pool" ] || die "--pool HANDLE is required"
    case $id in 0x[0-9a-fA-F]*) ;; *) die "--id 0xHEX is required" ;; esac
    local args=(rspserver "-$kind" "-poolhandle=$pool" "-identifier=$id"
        -loglevel=3 -logcolor=off "-logfile=$STATE/$name.log")
    # --registrar none: no static registrar, the PE finds one through announces (-asapannounce=).
    [ "$registrar" != none ] && args+=("-registrar=$registrar")
    [ -n "$local_addr" ] && args+=("-local=$local_addr")
    args+=("${extra[@]}")
    local pid
    pid=$(launch "$name" pe "${args[@]}")
    echo "$pool" >"$STATE/$name.pool"
    wait_bound "$name" "$pid" "${local_addr:+$(port_of_addr "$local_addr")}"
    echo "pool.sh: pe '$name' pid $pid $kind pool=$pool id=$id" >&2
}

signal_and_wait() {   # SIGNAL GRACE NAME...: signal all, wait up to GRACE s, then SIGKILL
    local sig=$1 grace=$2 name pid deadline live=() left; shift 2
    for name; do
        # Stopping twice is fine: the pid file goes when the process is gone, .kind stays.
        if [ ! -f "$STATE/$name.pid" ] && [ -f "$STATE/$name.kind" ]; then continue; fi
        pid=$(pid_of "$name")
        alive "$pid" || { rm -f "$STATE/$name.pid"; continue; }
        # A frozen process cannot handle SIGTERM; SIGKILL needs no thaw (and must not let it run).
        [ "$sig" = KILL ] || kill -CONT "$pid" 2>/dev/null || true
        kill "-$sig" "$pid" 2>/dev/null || true
        live+=("$name:$pid")
    done
    deadline=$(($(now) + grace))
    while [ ${#live[@]} -gt 0 ]; do
        left=()
        for name in "${live[@]}"; do
            pid=${name##*:}
            if alive "$pid"; then left+=("$name"); else rm -f "$STATE/${name%:*}.pid"; fi
        done
        live=("${left[@]+"${left[@]}"}")
        [ ${#live[@]} -gt 0 ] || break
        if [ "$(now)" -ge "$deadline" ]; then
            for name in "${live[@]}"; do
                echo "pool.sh: '${name%:*}' ignored SIG$sig for ${grace}s: SIGKILL" >&2
                kill -KILL "${name##*:}" 2>/dev/null || true
            done
            deadline=$(($(now) + 10))   # only the kernel can delay it now
        fi
        sleep 0.1
    done
}

cmd_wait_registered() {
    local handle=${1:-}; [ -n "$handle" ] || usage; shift
    local count=1 timeout=60 enrp=
    while [ $# -gt 0 ]; do
        case $1 in
            --count) count=${2:?}; shift 2 ;;
            --timeout) timeout=${2:?}; shift 2 ;;
            --enrp) enrp=${2:?}; shift 2 ;;
            *) usage ;;
        esac
    done
    if [ -z "$enrp" ]; then   # the first registrar started here, else the default
        local r
        while read -r r; do
            [ -f "$STATE/$r.enrp" ] && { enrp=$(cat "$STATE/$r.enrp"); break; }
        done <"$STATE/order" 2>/dev/null || true
        enrp=${enrp:-127.0.0.1:9901}
    fi
    enrp=${enrp/#0.0.0.0:/127.0.0.1:}
    # hsdump (rsplib-tools) asks the registrar for its handlespace over ENRP, posing as a peer
    # registrar; the Index section lists each pool as: +-- Pool "NAME", ... (N nodes)
    local deadline=$(($(now) + timeout)) got=
    while :; do
        got=$(timeout 15 hsdump "$enrp" -loglevel=0 -logcolor=off 2>/dev/null </dev/null |
            awk -v h="$handle" '
                /^\*-- Index:/ { idx = 1; next }
                /^\*--/ { idx = 0 }
                idx && index($0, "+-- Pool \"" h "\",") { n = $0; sub(/.*\(/, "", n); sub(/ nodes\).*/, "", n); print n; f = 1 }
                END { if (!f) print 0 }') || got="?"
        [ "$got" = "$count" ] && { echo "pool.sh: $handle has $count element(s)" >&2; return 0; }
        [ "$(now)" -lt "$deadline" ] || die "timeout after ${timeout}s: $handle has $got element(s) at $enrp, wanted $count"
        sleep 0.5
    done
}

nft_rule_handles() {   # handles of our rules for PORT
    nft -a list chain inet lab input 2>/dev/null | sed -n "s/.*comment \"lab-port-$1\" # handle \([0-9]*\)$/\1/p"
}
cmd_drop_port() {
    local port=${1:-}; case $port in ''|*[!0-9]*) usage ;; esac
    [ -n "$(nft_rule_handles "$port")" ] && return 0
    nft add table inet lab
    nft add chain inet lab input '{ type filter hook input priority -10; policy accept; }'
    # Local traffic runs over lo both ways, so the input hook sees every packet to and from PORT.
    nft add rule inet lab input sctp dport "$port" counter drop comment "\"lab-port-$port\""
    nft add rule inet lab input sctp sport "$port" counter drop comment "\"lab-port-$port\""
    echo "pool.sh: SCTP port $port dropped" >&2
}
cmd_undrop_port() {
    local port=${1:-} h; case $port in ''|*[!0-9]*) usage ;; esac
    for h in $(nft_rule_handles "$port"); do nft delete rule inet lab input handle "$h"; done
    echo "pool.sh: SCTP port $port passes again" >&2
}

show_logs() {
    local n=$1
    echo "==== $n ($(kind_of "$n")): $(cat "$STATE/$n.cmd" 2>/dev/null)"
    if [ -s "$STATE/$n.log" ]; then echo "---- $n.log"; cat "$STATE/$n.log"; fi
    # rsplib prints colour escapes even with -logcolor=off; strip them for readable logs.
    if [ -s "$STATE/$n.out" ]; then echo "---- $n.out"; sed 's/\x1b\[[0-9;]*m//g; s/\r$//' "$STATE/$n.out"; fi
}
cmd_logs() {
    if [ -n "${1:-}" ]; then show_logs "$1"; return; fi
    [ -f "$STATE/order" ] || return 0
    awk '!seen[$0]++' "$STATE/order" | while read -r n; do show_logs "$n"; done
}

cmd_stop_all() {
    [ -f "$STATE/order" ] || return 0
    local n pes=() regs=()
    for n in $(awk '!seen[$0]++' "$STATE/order" | tac); do
        [ -f "$STATE/$n.pid" ] || continue
        if [ "$(kind_of "$n")" = registrar ]; then regs+=("$n"); else pes+=("$n"); fi
    done
    # PEs first, all at once, each waited for: rsplib deregisters on SIGTERM before it exits,
    # so the registrars are still there to take the deregistrations. Then the registrars.
    [ ${#pes[@]} -eq 0 ] || signal_and_wait TERM "$GRACE" "${pes[@]}"
    [ ${#regs[@]} -eq 0 ] || signal_and_wait TERM "$GRACE" "${regs[@]}"
}

cmd=${1:-}; [ $# -gt 0 ] && shift
case $cmd in
    start-registrar) cmd_start_registrar "$@" ;;
    start-pe) cmd_start_pe "$@" ;;
    stop) [ $# -gt 0 ] || usage; signal_and_wait TERM "$GRACE" "$@" ;;
    kill) [ $# -gt 0 ] || usage; signal_and_wait KILL 10 "$@" ;;
    freeze) [ -n "${1:-}" ] || usage; kill -STOP "$(pid_of "$1")" ;;
    thaw) [ -n "${1:-}" ] || usage; kill -CONT "$(pid_of "$1")" ;;
    wait-registered) cmd_wait_registered "$@" ;;
    ports) [ -n "${1:-}" ] || usage; ports_of "$(pid_of "$1")" ;;
    pid) [ -n "${1:-}" ] || usage; pid_of "$1" ;;
    drop-port) cmd_drop_port "$@" ;;
    undrop-port) cmd_undrop_port "$@" ;;
    logs) cmd_logs "$@" ;;
    stop-all) cmd_stop_all ;;
    ''|-h|--help|help) usage ;;
    *) echo "pool.sh: unknown subcommand '$cmd'" >&2; usage ;;
esac
