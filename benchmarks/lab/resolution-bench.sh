#!/usr/bin/env bash
# Side-by-side benchmark (issue 5): N uncached handle resolutions through our core and N through
# rsplib's own pool user (rsp_getaddrinfo, staleCacheValue 0), against the same rsplib registrar and
# pool, in one lab boot. Prints both RESULT lines and the ratio (ours / rsplib; > 1 = we are faster).
#   benchmarks/lab/resolution-bench.sh [N]          (from the repository root, as root)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-2000}
if [ -z "${LAB_RUN_DIR:-}" ]; then
    # On the host: build both drivers here, then run this script again inside the lab.
    dpkg -s librsplib-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq librsplib-dev; }
    mkdir -p out/bench
    gcc -O2 -o out/bench/hres-rsplib benchmarks/lab/hres-rsplib.c -lrsplib
    dotnet build benchmarks/RSerPool.LabBench -c Release -nologo -v:quiet
    bash tests/lab/setup.sh
    exec bash tests/lab/run.sh --timeout 1800 -- bash "$0" "$n"
fi

# Inside the lab.
export LAB_STATE=/tmp/bench-state
pool=tests/lab/pool.sh
trap 'bash $pool stop-all >/dev/null 2>&1 || true' EXIT
bash $pool start-registrar reg --asap 127.0.0.1:3863
for i in 1 2 3; do
    bash $pool start-pe "pe$i" --kind echo --pool BenchPool --id "0x0000b00$i" --registrar 127.0.0.1:3863 --local "10.255.255.1:760$i"
done
bash $pool wait-registered BenchPool --count 3 --registrar 127.0.0.1:3863 --timeout 120

rsplib=$(out/bench/hres-rsplib 127.0.0.1:3863 BenchPool "$n" | grep '^RESULT')
ours=$(dotnet benchmarks/RSerPool.LabBench/bin/Release/net10.0/RSerPool.LabBench.dll resolve 127.0.0.1:3863 BenchPool "$n" | grep '^RESULT')
echo "$rsplib"
echo "$ours"
rate() { sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$1"; }
awk -v o="$(rate "$ours")" -v r="$(rate "$rsplib")" 'BEGIN { printf "RATIO ours/rsplib = %.2f (uncached handle resolutions per second, same registrar, same boot)\n", o / r }'
