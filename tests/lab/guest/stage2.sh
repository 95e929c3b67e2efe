#!/bin/bash
# Stage 2: prepares the lab environment and runs the command. Runs as PID 1 either
#   --vm RUN      inside the micro-VM, after stage 1 (guest/init) mounted everything, or
#   --native RUN  on an SCTP-capable host inside `unshare --net --pid --mount` (run.sh).
# RUN/job.sh (written by run.sh) holds the argv, cwd, environment and timeout.
# RUN/rc receives the command's exit code; a missing rc means the lab itself failed, and
# RUN/failure + a LAB-FAIL console line say why.
# In the VM every external command is a first exec over 9p (slow under TCG), so this script
# prefers bash builtins and the static busybox that stage 1 copied to /run/lab.
set -u
MODE=${1#--} RUN=$2

if [ "$MODE" = vm ]; then
    exec 9>/dev/ttyS0          # diagnostics go to the serial console -> RUN/console.log
    BB=/run/lab/busybox
    IP="$BB ip"
else
    exec 9>>"$RUN/console.log"
    BB=
    IP=ip
fi
diag() {   # prefixed with uptime in the VM, to see where boot time goes
    local up=""; [ "$MODE" = vm ] && read -r up _ </proc/uptime
    printf 'lab-stage2:%s %s\n' "${up:+ [$up]}" "$*" >&9
}
finish() {   # $1 = exit code to report
    echo "$1" >"$RUN/rc"       # the run share is cache=none: written through at once
    if [ "$MODE" = vm ]; then
        $BB sync
        $BB poweroff -f
        echo o >/proc/sysrq-trigger   # not reached unless poweroff failed
        $BB sleep 10
    fi
    exit "$1"
}
fail() { diag "LAB-FAIL: $*"; printf '%s\n' "$*" >"$RUN/failure"; finish 125; }

diag "stage2 started"
# shellcheck source=/dev/null
. "$RUN/job.sh" || fail "cannot read $RUN/job.sh"
# job.sh defines: LAB_ARGV (array), LAB_CWD, LAB_ENV (array of K=V), LAB_TIMEOUT (s, 0 = none).

if [ "$MODE" = vm ]; then
    # The command's stdout/stderr: virtio serial ports named by run.sh, found through sysfs
    # (no udev here). A virtserialport is a plain char device, so isatty() is false.
    OUT='' ERR=''
    for p in /sys/class/virtio-ports/*; do
        read -r name <"$p/name" || continue
        case $name in
            lab.stdout) OUT=/dev/${p##*/} ;;
            lab.stderr) ERR=/dev/${p##*/} ;;
        esac
    done
    [ -n "$OUT" ] && [ -n "$ERR" ] || fail "virtio ports lab.stdout/lab.stderr not found"
    exec 1>"$OUT" 2>"$ERR" || fail "cannot open $OUT/$ERR"
else
    mount -t tmpfs -o mode=1777 tmpfs /tmp || fail "mount tmpfs on /tmp"
fi

# --- Network: own lo, multicast for ASAP/ENRP announces, a site-local address -------------
$IP link set lo up || fail "ip link set lo up"
$IP link set lo multicast on || fail "lo multicast"
$IP route add 224.0.0.0/4 dev lo || fail "multicast route on lo"
# rsplib PEs refuse to register with loopback addresses only ("No addresses of at least
# site-local scope found"), hence pool0 with 10.255.255.1/32. In the VM the dummy module
# (in the initramfs) already made dummy0; natively create one, or a veth pair on kernels
# without the dummy driver.
if [ -d /sys/class/net/dummy0 ]; then
    $IP link set dummy0 name pool0 || fail "rename dummy0 to pool0"
elif ! $IP link add pool0 type dummy 2>/dev/null; then
    $IP link add pool0 type veth peer name pool0peer || fail "cannot create pool0 (dummy or veth)"
    $IP link set pool0peer up
fi
$IP addr add 10.255.255.1/32 dev pool0 || fail "address on pool0"
$IP link set pool0 up || fail "pool0 up"
diag "network done"

# --- Environment ---------------------------------------------------------------------------
env_get() {
    local kv
    for kv in "${LAB_ENV[@]}"; do [ "${kv%%=*}" = "$1" ] && { printf '%s' "${kv#*=}"; return; }; done
}
home=$(env_get HOME)
# HOME must be writable (pwsh and dotnet write caches there). In the VM the host's HOME is
# writable through the overlay (writes vanish at power-off); else fall back to a fresh one
# in /tmp (tmpfs: the run share is write-through 9p, slow for caches).
if [ -z "$home" ] || ! { [ -d "$home" ] && [ -w "$home" ]; }; then
    home=/tmp/home
fi
[ -d "$RUN/out" ] || mkdir "$RUN/out"
[ -d "$home" ] || mkdir -p "$home"
envs=("${LAB_ENV[@]}" "HOME=$home" "LAB_OUT=$RUN/out" "LAB_RUN_DIR=$RUN" "LAB_MODE=$MODE" "TMPDIR=/tmp")
[ -n "$(env_get LAB_STATE)" ] || envs+=("LAB_STATE=/tmp/lab-state")
for x in "XDG_CONFIG_HOME=$home/.config" "XDG_DATA_HOME=$home/.local/share" "XDG_CACHE_HOME=$home/.cache"; do
    [ -n "$(env_get "${x%%=*}")" ] || envs+=("$x")
done
# sbin for ip/nft/modprobe, after whatever PATH the caller had.
path=$(env_get PATH)
envs+=("PATH=${path:-/usr/local/bin:/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin")
# TZ set (to the same zone): with TZ unset, glibc's localtime() stats /etc/localtime again on every
# call, and here that symlink lives on the host's root over 9p. rsplib stamps each log line that
# way: perf in the guest caught a standby rspserver in p9_client_readlink for 4 ms before it
# answered a request, while a killed element's exit held the same 9p channel with its closes.
[ -n "$(env_get TZ)" ] || envs+=("TZ=:/etc/localtime")

cd "$LAB_CWD" || fail "cannot cd to $LAB_CWD"
if [ "$MODE" = vm ]; then read -r up _ </proc/uptime; echo "$up" >"$RUN/boot_to_cmd"; fi
diag "running: ${LAB_ARGV[*]}"

# timeout signals the whole process group, so daemons the command left behind go too.
SECONDS=0
if [ "${LAB_TIMEOUT:-0}" -gt 0 ]; then
    env -i "${envs[@]}" timeout -k 10 "$LAB_TIMEOUT" "${LAB_ARGV[@]}" </dev/null 9>&-
else
    env -i "${envs[@]}" "${LAB_ARGV[@]}" </dev/null 9>&-
fi
rc=$?
# 124 is also an ordinary exit code; only the elapsed time tells a real timeout.
if [ "$rc" -eq 124 ] && [ "${LAB_TIMEOUT:-0}" -gt 0 ] && [ "$SECONDS" -ge "$LAB_TIMEOUT" ]; then
    diag "command timed out after ${LAB_TIMEOUT}s"
    : >"$RUN/timedout"
fi
diag "command exited with $rc"
finish "$rc"
