# Sourced by setup.sh and run.sh (host side). Paths and small helpers shared by both.
# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts sourcing this

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_CACHE=${LAB_CACHE:-$LAB_DIR/.cache}
LAB_RUNS=$LAB_DIR/.runs

# Modules baked into the initramfs, loaded by /init before the root share is mounted.
# virtio_console carries the command's stdout/stderr to the host (virtserialport, not a tty,
# so programs in the guest see a pipe-like char device and print no colours or prompts).
# dummy (with its default numdummies=1) provides dummy0, renamed pool0 by stage 2.
LAB_INITRD_MODULES="virtio_pci 9pnet_virtio 9p overlay virtio_net virtio_console crc32c_generic sctp sctp_diag dummy"

# Debian packages the lab needs everywhere (rsplib and the tools the tests drive) ...
LAB_PKGS_COMMON="rsplib-registrar rsplib-services rsplib-tools nftables lksctp-tools iproute2 tcpdump kmod"
# ... and only when the host kernel has no SCTP and the micro-VM is used.
LAB_PKGS_VM="qemu-system-x86 busybox-static cpio xz-utils"

lab_log() { printf 'lab: %s\n' "$*" >&2; }
lab_die() { printf 'lab: ERROR: %s\n' "$*" >&2; exit "${LAB_DIE_RC:-1}"; }

# True when the host kernel can open an SCTP socket (checksctp from lksctp-tools calls
# socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP), which also triggers module autoload).
lab_host_has_sctp() {
    command -v checksctp >/dev/null 2>&1 && checksctp >/dev/null 2>&1
}

# Decide native vs vm. LAB_RUNNER=vm forces the micro-VM (e.g. to try it on an SCTP host),
# LAB_RUNNER=native the namespace path. (Inside the lab, LAB_MODE tells the command which one ran.)
lab_mode() {
    case ${LAB_RUNNER:-auto} in
        vm|native) echo "$LAB_RUNNER" ;;
        auto) if lab_host_has_sctp; then echo native; else echo vm; fi ;;
        *) lab_die "LAB_RUNNER must be auto, vm or native (got '$LAB_RUNNER')" ;;
    esac
}
