#!/usr/bin/env bash
# Installs everything the lab needs, idempotently: Debian packages (only those missing), and,
# when the host kernel has no SCTP, the micro-VM pieces cached in tests/lab/.cache/:
#   kernel/      Debian's stock kernel package, dpkg -x'ed, with depmod run on it
#   vmlinux      the uncompressed kernel (qemu boots it via PVH, skipping XZ decompression)
#   initramfs.cpio  static busybox /init + the modules stage 1 needs
#   kernel.stamp, initrd.stamp  what each part was built from; matching stamps make a re-run a no-op
# Usage: tests/lab/setup.sh [--vm]   (--vm: build the VM pieces even if the host has SCTP)
# Needs root (apt-get, dpkg). Environment: LAB_CACHE overrides the cache folder.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

force_vm=0
[ "${1:-}" = --vm ] && force_vm=1
[ "${LAB_RUNNER:-auto}" = vm ] && force_vm=1

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_update_once() {
    [ "$apt_updated" = 1 ] && return
    lab_log "apt-get update"
    apt-get update -qq
    apt_updated=1
}

install_missing() {
    local missing=() p installed
    # dpkg-query exits 1 when any of the packages is unknown to dpkg (never installed): on a fresh
    # machine that is the normal case, and under pipefail it must not end the script.
    installed=" $( { dpkg-query -W -f='${db:Status-Status} ${Package}\n' "$@" 2>/dev/null || true; } | awk '$1 == "installed" { printf "%s ", $2 }')"
    for p in "$@"; do
        case $installed in *" $p "*) ;; *) missing+=("$p") ;; esac
    done
    [ ${#missing[@]} -eq 0 ] && return
    [ "$(id -u)" = 0 ] || lab_die "missing packages ${missing[*]}; run this script as root"
    apt_update_once
    lab_log "apt-get install ${missing[*]}"
    # --no-install-recommends keeps it to what the lab uses (recommends pull in a desktop's worth).
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# shellcheck disable=SC2086
install_missing $LAB_PKGS_COMMON

if [ "$force_vm" = 0 ] && lab_host_has_sctp; then
    lab_log "host kernel has SCTP: native mode, no VM needed"
    exit 0
fi

# shellcheck disable=SC2086
install_missing $LAB_PKGS_VM

# One setup at a time (run.sh may start this from several runs at once).
mkdir -p "$LAB_CACHE"
exec 9>"$LAB_CACHE/.lock"
flock 9

# --- Kernel package ---------------------------------------------------------------------
kpkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'; }
KPKG=$(kpkg || true)
if [ -z "$KPKG" ]; then apt_update_once; KPKG=$(kpkg || true); fi
[ -n "$KPKG" ] || lab_die "cannot find the kernel package behind linux-image-amd64 (apt-cache depends)"
KVER=${KPKG#linux-image-}
KPKG_VERSION=$(apt-cache policy "$KPKG" | awk '/Candidate:/ {print $2}')

# Two stamps: the kernel (download, extract, depmod, vmlinux: slow) depends only on the package
# version; the initramfs (fast) also on the module list, guest/init and this script.
kernel_stamp="$KPKG=$KPKG_VERSION"
initrd_stamp=$(printf '%s\n' "$kernel_stamp" "$LAB_INITRD_MODULES" "$(cat "$LAB_DIR/guest/init" "$0")" | sha256sum | cut -d' ' -f1)
stamp_is() { [ -f "$LAB_CACHE/$1" ] && [ "$(cat "$LAB_CACHE/$1")" = "$2" ]; }

if stamp_is kernel.stamp "$kernel_stamp" && [ -s "$LAB_CACHE/vmlinux" ]; then
    lab_log "kernel cache up to date ($KPKG $KPKG_VERSION)"
else
    mkdir -p "$LAB_CACHE/debs"
    deb=$(ls "$LAB_CACHE/debs/${KPKG}_${KPKG_VERSION//:/%3a}_"*.deb 2>/dev/null | head -1 || true)
    if [ -z "$deb" ]; then
        lab_log "downloading $KPKG $KPKG_VERSION"
        rm -f "$LAB_CACHE/debs/"*.deb
        # Sandbox user root: _apt cannot write into a root-owned cache folder.
        (cd "$LAB_CACHE/debs" && apt-get download -qq -o APT::Sandbox::User=root "$KPKG=$KPKG_VERSION") \
            || { apt_update_once; (cd "$LAB_CACHE/debs" && apt-get download -qq -o APT::Sandbox::User=root "$KPKG=$KPKG_VERSION"); }
        deb=$(ls "$LAB_CACHE/debs/"*.deb | head -1)
    fi

    lab_log "extracting $(basename "$deb")"
    rm -rf "$LAB_CACHE/kernel" "$LAB_CACHE/vmlinux" "$LAB_CACHE/kernel.stamp" "$LAB_CACHE/initrd.stamp"
    dpkg -x "$deb" "$LAB_CACHE/kernel"
    [ -d "$LAB_CACHE/kernel/lib/modules/$KVER" ] || lab_die "no lib/modules/$KVER in $deb"
    depmod -b "$LAB_CACHE/kernel" "$KVER"

    # vmlinux: the XZ payload of vmlinuz, uncompressed. Byte offsets of the XZ stream magic
    # FD 37 7A 58 5A 00; the first one that unpacks to an ELF wins.
    vmlinuz=$LAB_CACHE/kernel/boot/vmlinuz-$KVER
    for off in $(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$vmlinuz" | cut -d: -f1); do
        tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream >"$LAB_CACHE/vmlinux.tmp" 2>/dev/null || true
        if [ "$(head -c 4 "$LAB_CACHE/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
            mv "$LAB_CACHE/vmlinux.tmp" "$LAB_CACHE/vmlinux"
            break
        fi
    done
    rm -f "$LAB_CACHE/vmlinux.tmp"
    [ -s "$LAB_CACHE/vmlinux" ] || lab_die "could not extract an ELF vmlinux from $vmlinuz"
    echo "$KVER" >"$LAB_CACHE/kver"
    echo "$kernel_stamp" >"$LAB_CACHE/kernel.stamp"
fi

if stamp_is initrd.stamp "$initrd_stamp" && [ -s "$LAB_CACHE/initramfs.cpio" ]; then
    lab_log "initramfs up to date"
    touch "$LAB_CACHE/initramfs.cpio"   # newer than its sources again, for run.sh's quick check
    exit 0
fi

# --- initramfs ----------------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
work=$tmp/root
mkdir -p "$work/bin" "$work/lib/modules"
cp /bin/busybox "$work/bin/busybox"
install -m 0755 "$LAB_DIR/guest/init" "$work/init"
# modprobe --show-depends prints "insmod /path/x.ko [params]" in load order; modules shared
# by several targets appear once, in first-seen order. Built-ins print "builtin x" and are skipped.
for m in $LAB_INITRD_MODULES; do
    modprobe -d "$LAB_CACHE/kernel" -S "$KVER" --show-depends "$m" \
        || lab_die "modprobe --show-depends $m failed"
done | awk '$1 == "insmod" && !seen[$2]++' >"$tmp/deps"
while read -r _ path args; do
    name=$(basename "$path")
    cp "$path" "$work/lib/modules/$name"
    echo "insmod /lib/modules/$name${args:+ $args}"
done <"$tmp/deps" >"$work/modules.list"
lab_log "initramfs: $(wc -l <"$work/modules.list") modules"
# Uncompressed cpio: decompressing under TCG costs more than copying a few MB.
# Written aside and renamed: a qemu starting meanwhile reads either the old or the new file.
(cd "$work" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$LAB_CACHE/initramfs.cpio.tmp"
mv -f "$LAB_CACHE/initramfs.cpio.tmp" "$LAB_CACHE/initramfs.cpio"

echo "$initrd_stamp" >"$LAB_CACHE/initrd.stamp"
lab_log "VM cache ready in $LAB_CACHE ($KPKG $KPKG_VERSION)"
