# The lab suites: xunit integration tests and Pester tests tagged 'Lab', run where kernel SCTP and
# Debian's rsplib are available: natively, or in the qemu micro-VM of tests/lab. Everything is built
# on the host; the lab starts one test host and one pwsh (.NET is ~20x slower under TCG).
function Initialize-Lab([string] $Root) {
    # tests/lab/setup.sh: installs the Debian packages the lab needs, and the micro-VM's kernel and
    # initramfs where the host kernel has no SCTP. Returns whether it succeeded ($LASTEXITCODE says how not).
    Write-Step 'lab: setup (Debian packages, kernel, initramfs; cached after the first run)'
    & bash (Join-Path $Root 'tests/lab/setup.sh') | Out-Host
    $LASTEXITCODE -eq 0
}

function Invoke-LabSuites {
    param([string] $Root, [string] $Configuration, [string] $ModuleDir, [string] $Filter)
    $lab = Join-Path $Root 'tests/lab'
    if (-not (Initialize-Lab -Root $Root)) {
        return New-SuiteResult -Name 'lab' -Failed 1 -Error "tests/lab/setup.sh failed with exit code $LASTEXITCODE"
    }

    $runs = Join-Path $lab '.runs'
    $before = @(if (Test-Path $runs) { Get-ChildItem -Directory $runs | ForEach-Object FullName })
    Write-Step 'lab: integration tests'
    $variables = @{
        RSERPOOL_LAB           = '1'
        RSERPOOL_CONFIGURATION = $Configuration
        RSERPOOL_FILTER        = $Filter
        RSERPOOL_PWSH          = Join-Path $PSHOME 'pwsh'
        RSERPOOL_PESTER        = Get-PesterModulePath -Root $Root
    }
    foreach ($v in $variables.GetEnumerator()) { Set-Item "Env:$($v.Key)" $v.Value }
    try {
        & bash (Join-Path $lab 'run.sh') --timeout 2700 -- bash (Join-Path $Root 'build/lab-suites.sh') | Out-Host
        $rc = $LASTEXITCODE
    }
    finally {
        foreach ($v in $variables.Keys) { Remove-Item "Env:$v" -ErrorAction SilentlyContinue }
    }

    $run = Get-ChildItem -Directory $runs -ErrorAction SilentlyContinue |
        Where-Object { $before -notcontains $_.FullName } | Sort-Object LastWriteTime | Select-Object -Last 1
    if (-not $run) {
        return New-SuiteResult -Name 'lab' -Failed 1 -Error "the lab did not start (run.sh exit code $rc)"
    }

    $out = Join-Path $run.FullName 'out'
    $results = @(Read-TrxCounts -TrxPath (Join-Path $out 'integration.trx') -Name 'integration')
    $pesterJson = Join-Path $out 'pester-lab.json'
    $labPester = @(Get-ChildItem (Join-Path $Root 'tests/pester') -Filter 'Lab*.Tests.ps1' -ErrorAction SilentlyContinue)
    if ($labPester.Count -gt 0 -and -not $Filter) {
        $results += if (Test-Path $pesterJson) {
            $r = Get-Content -Raw $pesterJson | ConvertFrom-Json
            New-SuiteResult -Name 'pester-lab' -Passed $r.Passed -Failed $r.Failed -Skipped $r.Skipped -FailedTests @($r.FailedTests | Where-Object { $_ })
        }
        else {
            New-SuiteResult -Name 'pester-lab' -Failed 1 -Error 'the lab Pester run wrote no results'
        }
    }

    $failedCounted = ($results | Measure-Object -Property Failed -Sum).Sum
    if ($rc -ne 0 -and $failedCounted -eq 0) {
        $reason = if (Test-Path (Join-Path $run.FullName 'failure')) { (Get-Content -Raw (Join-Path $run.FullName 'failure')).Trim() } else { "exit code $rc" }
        $results[0].Failed = 1
        $results[0].Error = "lab run failed: $reason (see $($run.FullName))"
    }
    $results
}

function Invoke-LabDemo {
    # The one-command demo (build.ps1 -Task Demo): in the lab, build/demo.sh starts an rsplib registrar
    # and two echo elements in EchoPool and runs examples/Demo.ps1 in this pwsh against them. The
    # output streams to the console as it comes. Returns the exit code (0: the failover worked).
    param([string] $Root)
    if (-not (Initialize-Lab -Root $Root)) {
        Write-Host "tests/lab/setup.sh failed with exit code $LASTEXITCODE"
        return $LASTEXITCODE
    }
    Write-Step 'lab: demo (an rsplib registrar, two echo elements and examples/Demo.ps1; a few minutes in the micro-VM)'
    $env:RSERPOOL_PWSH = Join-Path $PSHOME 'pwsh'
    try {
        & bash (Join-Path $Root 'tests/lab/run.sh') --timeout 900 -- bash (Join-Path $Root 'build/demo.sh') | Out-Host
        $LASTEXITCODE
    }
    finally { Remove-Item Env:RSERPOOL_PWSH -ErrorAction SilentlyContinue }
}
