#!/usr/bin/env bash
# Runs inside the lab (tests/lab/run.sh): the xunit integration tests, built on the host, against
# rsplib over kernel SCTP. Results go to $LAB_OUT, which build.ps1 reads back.
set -uo pipefail
cd "$(dirname "$0")/.."
conf=${RSERPOOL_CONFIGURATION:-Release}
dll=tests/RSerPool.Integration.Tests/bin/$conf/net10.0/RSerPool.Integration.Tests.dll
[ -f "$dll" ] || { echo "lab-suites: $dll not built" >&2; exit 2; }
args=("$dll" "--ResultsDirectory:$LAB_OUT" "--logger:trx;LogFileName=integration.trx" "--logger:console;verbosity=normal")
[ -n "${RSERPOOL_FILTER:-}" ] && args+=("--TestCaseFilter:$RSERPOOL_FILTER")
# `dotnet vstest` starts one host process (half the time of `dotnet test` in the TCG guest).
dotnet vstest "${args[@]}"
