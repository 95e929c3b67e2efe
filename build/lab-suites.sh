#!/usr/bin/env bash
# Runs inside the lab (tests/lab/run.sh): the xunit integration tests, built on the host, against
# rsplib over kernel SCTP; then the Pester tests tagged 'Lab' against a small rsplib pool (a
# registrar and two echo elements in EchoPool). Results go to $LAB_OUT, which build.ps1 reads back.
set -uo pipefail
cd "$(dirname "$0")/.."
conf=${RSERPOOL_CONFIGURATION:-Release}
rc=0

dll=tests/RSerPool.Integration.Tests/bin/$conf/net10.0/RSerPool.Integration.Tests.dll
[ -f "$dll" ] || { echo "lab-suites: $dll not built" >&2; exit 2; }
args=("$dll" "--ResultsDirectory:$LAB_OUT" "--logger:trx;LogFileName=integration.trx" "--logger:console;verbosity=normal")
[ -n "${RSERPOOL_FILTER:-}" ] && args+=("--TestCaseFilter:$RSERPOOL_FILTER")
# `dotnet vstest` starts one host process (half the time of `dotnet test` in the TCG guest).
dotnet vstest "${args[@]}" || rc=$?

if [ -z "${RSERPOOL_FILTER:-}" ] && compgen -G 'tests/pester/Lab*.Tests.ps1' >/dev/null; then
    [ -x "${RSERPOOL_PWSH:-}" ] && [ -f "${RSERPOOL_PESTER:-}" ] || { echo "lab-suites: RSERPOOL_PWSH/RSERPOOL_PESTER not set" >&2; exit 2; }
    export LAB_STATE=/tmp/lab-pester
    pool=tests/lab/pool.sh
    bash $pool start-registrar pester-reg --asap 127.0.0.1:3990 --enrp 127.0.0.1:9990 \
        && bash $pool start-pe pester-echo1 --kind echo --pool EchoPool --id 0x0000e0a1 --registrar 127.0.0.1:3990 --local 10.255.255.1:7991 \
        && bash $pool start-pe pester-echo2 --kind echo --pool EchoPool --id 0x0000e0a2 --registrar 127.0.0.1:3990 --local 10.255.255.1:7992 \
        && bash $pool wait-registered EchoPool --count 2 --enrp 127.0.0.1:9990 --timeout 120 \
        || { bash $pool logs >&2; exit 3; }
    export RSERPOOL_REGISTRARS=127.0.0.1:3990
    "$RSERPOOL_PWSH" -NoProfile -NonInteractive -File build/Invoke-PesterRun.ps1 -PesterPath "$RSERPOOL_PESTER" \
        -TestPath tests/pester -ResultPath "$LAB_OUT/pester-lab.json" -Tag Lab || rc=$?
    bash $pool stop-all >/dev/null 2>&1 || true
fi
exit $rc
