#!/usr/bin/env bash
# Runs inside the lab (tests/lab/run.sh), started by `build.ps1 -Task Demo`: a small rsplib pool (a
# registrar and two echo elements, $0000e0a1 and $0000e0a2, in EchoPool), then examples/Demo.ps1
# in the pinned pwsh (RSERPOOL_PWSH) against it. Exit code: the demo's (0 = the failover worked).
set -uo pipefail
cd "$(dirname "$0")/.."
[ -x "${RSERPOOL_PWSH:-}" ] || { echo "demo: RSERPOOL_PWSH (the pinned pwsh) not set" >&2; exit 2; }
[ -f out/RSerPoolPU/RSerPoolPU.psd1 ] || { echo "demo: out/RSerPoolPU not staged: run build.ps1 -Task Build" >&2; exit 2; }

export LAB_STATE=/tmp/lab-demo
pool=tests/lab/pool.sh
reg=127.0.0.1:3863
log=${LAB_OUT:-/tmp}/pool.log

echo "Starting an rsplib pool in the lab (${LAB_MODE:-?}): registrar at $reg, echo elements \$0000e0a1 and \$0000e0a2 in EchoPool..."
if ! { bash $pool start-registrar demo-reg --asap $reg --enrp 127.0.0.1:9901 \
        && bash $pool start-pe demo-0x0000e0a1 --kind echo --pool EchoPool --id 0x0000e0a1 --registrar $reg --local 10.255.255.1:7001 \
        && bash $pool start-pe demo-0x0000e0a2 --kind echo --pool EchoPool --id 0x0000e0a2 --registrar $reg --local 10.255.255.1:7002 \
        && bash $pool wait-registered EchoPool --count 2 --enrp 127.0.0.1:9901 --timeout 120; } 2>>"$log"; then
    echo "demo: the rsplib pool did not start:" >&2
    cat "$log" >&2
    bash $pool logs >&2
    exit 3
fi
slow=; [ "${LAB_MODE:-}" = vm ] && slow=' (PowerShell starts slowly in the micro-VM: a minute or two)'
echo "Pool ready: both elements registered. Starting examples/Demo.ps1$slow..."

# The kill hook: examples/Demo.ps1 passes the identifier of the element to kill as $1 (0x0000e0a1),
# and pool.sh named each element after its identifier.
"$RSERPOOL_PWSH" -NoProfile -NonInteractive -File examples/Demo.ps1 -Registrar $reg -PoolHandle EchoPool \
    -KillCommand 'bash tests/lab/pool.sh kill "demo-$1"'
rc=$?

bash $pool stop-all >/dev/null 2>&1 || true
bash $pool logs >"${LAB_OUT:-/tmp}/rsplib.log" 2>&1 || true
exit $rc
