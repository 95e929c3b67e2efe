#!/usr/bin/env bash
# Runs one command as root in an environment with kernel SCTP:
#   native  host kernel has SCTP: in fresh net/pid/mount namespaces (own lo, pool0, /tmp)
#   vm      otherwise: in a qemu TCG micro-VM booting Debian's kernel over the host's root
# Usage: tests/lab/run.sh [--timeout SEC] [--mem MIB] -- COMMAND [ARG...]
# Exit code: the command's, or 124 = timed out, 125 = the lab itself failed (boot, modules,
# mounts, network setup), 130 = interrupted. The reason and the console tail go to stderr.
# Each run gets tests/lab/.runs/<id>/ (exported to the command as LAB_RUN_DIR), with out/
# (exported as LAB_OUT, writable, survives the run), stdout.log, stderr.log, console.log.
# Environment: LAB_RUNNER=auto|vm|native, LAB_MEM (MiB, default 2048), LAB_QUIET=1 (no timing line),
# LAB_KERNEL_ARGS (replaces "quiet loglevel=3", e.g. "loglevel=7 printk.time=1" to debug boot),
# LAB_CLOCK_ARGS (replaces "clocksource=tsc tsc=reliable"; empty: the kernel picks its clock),
# LAB_PASS_ENV="NAME ..." (extra variables to pass), LAB_KEEP_RUNS (default 20),
# LAB_BOOT_GRACE (s added to --timeout for the host-side kill, default 120).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

timeout_s=1800
mem=${LAB_MEM:-2048}
while [ $# -gt 0 ]; do
    case $1 in
        --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
        --timeout=*) timeout_s=${1#*=}; shift ;;
        --mem) mem=${2:?--mem needs MiB}; shift 2 ;;
        --) shift; break ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || LAB_DIE_RC=2 lab_die "usage: run.sh [--timeout SEC] [--mem MIB] -- COMMAND [ARG...]"
case $timeout_s in ''|*[!0-9]*) LAB_DIE_RC=2 lab_die "--timeout wants whole seconds" ;; esac
[ "$(id -u)" = 0 ] || LAB_DIE_RC=125 lab_die "run.sh must run as root"

LAB_DIE_RC=125   # lab_die exit code from here on: the lab failed
mode=$(lab_mode)
# Rebuild the VM pieces when missing or older than what they are made from (a cheap mtime
# check; setup.sh itself decides what really needs redoing).
stale() {
    local f
    [ -s "$LAB_CACHE/vmlinux" ] && [ -s "$LAB_CACHE/initramfs.cpio" ] || return 0
    for f in "$LAB_DIR/guest/init" "$LAB_DIR/setup.sh" "$LAB_DIR/lib/common.sh"; do
        [ "$f" -nt "$LAB_CACHE/initramfs.cpio" ] && return 0
    done
    return 1
}
if [ "$mode" = vm ] && stale; then
    lab_log "VM cache missing or stale: running setup.sh"
    "$LAB_DIR/setup.sh" --vm >&2
fi
if [ "$mode" = vm ]; then
    command -v qemu-system-x86_64 >/dev/null || lab_die "qemu-system-x86_64 missing: run tests/lab/setup.sh"
else
    command -v unshare >/dev/null && command -v ip >/dev/null || lab_die "unshare or ip missing: run tests/lab/setup.sh"
fi

# --- Run folder ---------------------------------------------------------------------------
mkdir -p "$LAB_RUNS"
# Keep the newest LAB_KEEP_RUNS folders; never touch one modified in the last hour (may be live).
ls -1dt "$LAB_RUNS"/*/ 2>/dev/null | tail -n +$((${LAB_KEEP_RUNS:-20} + 1)) \
    | while read -r d; do [ -n "$(find "$d" -maxdepth 0 -mmin +60)" ] && rm -rf "$d"; done || true
RUN=$(mktemp -d "$LAB_RUNS/$(date +%Y%m%d-%H%M%S)-XXXX")
chmod 0755 "$RUN"
mkdir -p "$RUN/out"
case "$RUN$LAB_DIR" in *[[:space:]]*) lab_die "paths with spaces are not supported: $RUN" ;; esac
# The lab mounts a fresh tmpfs on /tmp (and /run, /var/tmp in the VM): a checkout there would vanish.
for p in "$LAB_DIR" "$PWD"; do
    case $p/ in /tmp/*|/var/tmp/*|/run/*) lab_die "$p is under /tmp, /var/tmp or /run, which the lab hides; use a checkout elsewhere" ;; esac
done

# --- Job description read by guest/stage2.sh ----------------------------------------------
pass_env() {   # which host variables reach the command
    case $1 in
        LAB_RUNNER|LAB_RUN_DIR|LAB_OUT|LAB_MODE) return 1 ;;   # the host's choice / set by stage2
        PATH|HOME|USER|LOGNAME|TERM|LANG|LC_*|TZ|NO_COLOR|CI|UseSharedCompilation) return 0 ;;
        DOTNET_*|NUGET_*|POWERSHELL_*|MSBUILD*|RSERPOOL_*|LAB_*) return 0 ;;
    esac
    case " ${LAB_PASS_ENV:-} " in *" $1 "*) return 0 ;; esac
    return 1
}
{
    printf 'LAB_ARGV=('; printf ' %q' "$@"; printf ' )\n'
    printf 'LAB_CWD=%q\n' "$PWD"
    printf 'LAB_TIMEOUT=%q\n' "$timeout_s"
    printf 'LAB_ENV=('
    while IFS= read -r name; do
        pass_env "$name" && printf ' %q' "$name=${!name}"
    done < <(compgen -e)
    printf ' )\n'
} >"$RUN/job.sh"

# --- Output relay ---------------------------------------------------------------------------
# The command's stdout/stderr arrive through two FIFOs (qemu's virtio serial chardevs, or the
# namespace's fds) and are teed live to our stdout/stderr and to the run folder.
# Holding each FIFO open read-write here means neither tee nor qemu ever blocks in open(),
# whatever order they start in or if qemu dies first; closing ours lets tee see EOF.
mkfifo "$RUN/stdout.fifo" "$RUN/stderr.fifo"
exec 7<>"$RUN/stdout.fifo" 8<>"$RUN/stderr.fifo"
tee "$RUN/stdout.log" <"$RUN/stdout.fifo" 7>&- 8>&- &
tee_out=$!
tee "$RUN/stderr.log" <"$RUN/stderr.fifo" 7>&- 8>&- >&2 &
tee_err=$!
: >"$RUN/console.log"

# Host-side deadline: the command's own timeout plus room for boot and power-off
# (LAB_BOOT_GRACE s, default 120: boot takes 3-15 s, more on a loaded machine).
host_deadline=() deadline_s=$((timeout_s + ${LAB_BOOT_GRACE:-120}))
[ "$timeout_s" -gt 0 ] && host_deadline=(timeout -k 5 "$deadline_s")

if [ "$mode" = vm ]; then
    # The guest's clock: the TSC, trusted (LAB_CLOCK_ARGS="" leaves the kernel's choice). Left to
    # itself the kernel's watchdog finds the emulated TSC unstable and falls back to the HPET, and
    # then every clock_gettime(2) is a real system call with an emulated device read instead of a vDSO
    # call (strace in the guest: 26-35 us each; our session reads the clock three times per request,
    # the C client once). Under TCG the TSC is the host's, so it is monotonic across the vCPUs.
    qemu=(qemu-system-x86_64
        -accel tcg,thread=multi,tb-size=${LAB_TB_SIZE:-1024} -cpu max -smp 2 -m "$mem"
        -nodefaults -no-user-config -display none -no-reboot
        -serial "file:$RUN/console.log"
        -kernel "$LAB_CACHE/vmlinux" -initrd "$LAB_CACHE/initramfs.cpio"
        -append "console=ttyS0 ${LAB_KERNEL_ARGS:-quiet loglevel=3} ${LAB_CLOCK_ARGS-clocksource=tsc tsc=reliable} panic=-1 rdinit=/init lab.run=$RUN lab.stage2=$LAB_DIR/guest/stage2.sh lab.kmoddir=$LAB_CACHE/kernel/lib/modules/$(cat "$LAB_CACHE/kver")"
        -fsdev local,id=hostroot,path=/,security_model=passthrough,readonly=on,multidevs=remap
        -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
        -fsdev "local,id=labrun,path=$RUN,security_model=none,multidevs=remap"
        -device virtio-9p-pci,fsdev=labrun,mount_tag=labrun
        -device virtio-serial-pci
        -chardev "file,id=out,path=$RUN/stdout.fifo" -device virtserialport,chardev=out,name=lab.stdout
        -chardev "file,id=err,path=$RUN/stderr.fifo" -device virtserialport,chardev=err,name=lab.stderr)
    # LAB_QEMU_ARGS: more qemu arguments, for diagnostics (e.g. -monitor unix:/tmp/m.sock,server,nowait
    # and `echo "info jit" | socat - unix:/tmp/m.sock` for the translation cache's flush count).
    # shellcheck disable=SC2206
    if [ -n "${LAB_QEMU_ARGS:-}" ]; then qemu+=(${LAB_QEMU_ARGS}); fi
fi

# qemu itself can crash while booting (seen once: SIGSEGV 1.6 s in, nothing on the console, the next
# boot fine): when it dies by a signal before the guest started the command, boot again (twice at most).
boot_attempt=1
while :; do
    t0=$(date +%s.%N)
    if [ "$mode" = vm ]; then
        "${host_deadline[@]}" "${qemu[@]}" </dev/null >"$RUN/qemu.log" 2>&1 7>&- 8>&- &
    else
        "${host_deadline[@]}" unshare --net --pid --fork --mount --mount-proc --kill-child \
            bash "$LAB_DIR/guest/stage2.sh" --native "$RUN" </dev/null >"$RUN/stdout.fifo" 2>"$RUN/stderr.fifo" 7>&- 8>&- &
    fi
    child=$!
    interrupted=0
    trap 'interrupted=1; kill -TERM "$child" 2>/dev/null || true' INT TERM
    child_rc=0
    wait "$child" || child_rc=$?
    # A trapped signal interrupts wait; the child may still be exiting.
    while kill -0 "$child" 2>/dev/null; do wait "$child" || child_rc=$?; done
    if [ "$mode" = vm ] && [ "$interrupted" = 0 ] && [ ! -f "$RUN/rc" ] && [ ! -f "$RUN/boot_to_cmd" ] \
        && [ "$child_rc" -gt 128 ] && [ "$child_rc" != 137 ] && [ "$boot_attempt" -lt 3 ]; then
        lab_log "qemu died during boot (exit $child_rc, signal $((child_rc - 128))) before the command started; booting again"
        boot_attempt=$((boot_attempt + 1))
        : >"$RUN/console.log"
        continue
    fi
    break
done
trap - INT TERM
t1=$(date +%s.%N)

exec 7>&- 8>&-
wait "$tee_out" "$tee_err" 2>/dev/null || true
rm -f "$RUN/stdout.fifo" "$RUN/stderr.fifo"

console_tail() {
    lab_log "---- $mode console ($RUN/console.log), last lines ----"
    tail -n 40 "$RUN/console.log" | tr -d '\r' >&2
    if [ -s "$RUN/qemu.log" ]; then lab_log "---- qemu.log ----"; tail -n 20 "$RUN/qemu.log" >&2; fi
}

wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
if [ "$interrupted" = 1 ]; then
    lab_log "interrupted after ${wall}s"; exit 130
fi
if [ -f "$RUN/rc" ]; then
    rc=$(cat "$RUN/rc")
    if [ -f "$RUN/failure" ]; then
        lab_log "lab setup failed: $(cat "$RUN/failure")"; console_tail
    elif [ -f "$RUN/timedout" ]; then
        lab_log "command timed out after ${timeout_s}s (--timeout)"
    fi
else
    if [ "$child_rc" = 124 ] || [ "$child_rc" = 137 ]; then
        lab_log "TIMEOUT: the $mode run was killed after ${wall}s (deadline ${deadline_s}s)"
        rc=124
    else
        reason=$(grep -a -m1 'LAB-FAIL' "$RUN/console.log" | tr -d '\r' || true)
        lab_log "FAILED: the $mode run ended without an exit code (runner exit $child_rc)${reason:+: $reason}"
        rc=125
    fi
    console_tail
fi
if [ "${LAB_QUIET:-0}" != 1 ]; then
    boot=""
    [ -f "$RUN/boot_to_cmd" ] && boot=", boot to command $(cat "$RUN/boot_to_cmd")s"
    lab_log "$mode run $(basename "$RUN"): exit $rc, wall ${wall}s$boot"
fi
exit "$rc"
