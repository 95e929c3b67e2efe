# The lab suites: xunit integration tests (and Pester tests tagged 'Lab', once there are any), run
# where kernel SCTP and Debian's rsplib are available: natively, or in the qemu micro-VM of tests/lab.
# Everything is built on the host; the lab starts one test host (.NET is ~20x slower under TCG).
function Invoke-LabSuites {
    param([string] $Root, [string] $Configuration, [string] $ModuleDir, [string] $Filter)
    $lab = Join-Path $Root 'tests/lab'
    Write-Step 'lab: setup (Debian packages, kernel, initramfs; cached after the first run)'
    & bash (Join-Path $lab 'setup.sh')
    if ($LASTEXITCODE -ne 0) {
        return New-SuiteResult -Name 'lab' -Failed 1 -Error "tests/lab/setup.sh failed with exit code $LASTEXITCODE"
    }

    $runs = Join-Path $lab '.runs'
    $before = @(if (Test-Path $runs) { Get-ChildItem -Directory $runs | ForEach-Object FullName })
    Write-Step 'lab: integration tests'
    $env:RSERPOOL_LAB = '1'
    $env:RSERPOOL_CONFIGURATION = $Configuration
    $env:RSERPOOL_FILTER = $Filter
    try {
        & bash (Join-Path $lab 'run.sh') --timeout 2400 -- bash (Join-Path $Root 'build/lab-suites.sh')
        $rc = $LASTEXITCODE
    }
    finally {
        Remove-Item Env:RSERPOOL_LAB, Env:RSERPOOL_CONFIGURATION, Env:RSERPOOL_FILTER -ErrorAction SilentlyContinue
    }

    $run = Get-ChildItem -Directory $runs -ErrorAction SilentlyContinue |
        Where-Object { $before -notcontains $_.FullName } | Sort-Object LastWriteTime | Select-Object -Last 1
    if (-not $run) {
        return New-SuiteResult -Name 'lab' -Failed 1 -Error "the lab did not start (run.sh exit code $rc)"
    }

    $result = Read-TrxCounts -TrxPath (Join-Path $run.FullName 'out/integration.trx') -Name 'integration'
    if ($rc -ne 0 -and $result.Failed -eq 0) {
        $reason = if (Test-Path (Join-Path $run.FullName 'failure')) { Get-Content -Raw (Join-Path $run.FullName 'failure') } else { "exit code $rc" }
        $result.Failed = 1
        $result.Error = "lab run failed: $($reason.Trim()) (see $($run.FullName))"
    }
    $result
}
