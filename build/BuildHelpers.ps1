# Helpers for build.ps1: staging the module, running each test suite and counting its results.
# Every suite returns one [pscustomobject] @{ Name; Passed; Failed; Skipped; Error }, so the summary
# line can add them up; a suite that could not run at all counts as one failure with its reason.

function Write-Step([string] $Message) {
    Write-Host "==> $Message"
}

function Invoke-Native {
    # Runs a native command and throws on a non-zero exit code (PowerShell does not by default).
    # A plain function on purpose: an advanced one would bind an argument like -v to -Verbose.
    $Command, $Arguments = $args
    & $Command @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE"
    }
}

function New-SuiteResult([string] $Name, [int] $Passed = 0, [int] $Failed = 0, [int] $Skipped = 0, [string] $Error = $null,
                         [string[]] $FailedTests = @()) {
    # FailedTests: "name: first line of the message", printed before the summary line, so a CI log
    # cut short still says which test failed.
    [pscustomobject]@{ Name = $Name; Passed = $Passed; Failed = $Failed; Skipped = $Skipped; Error = $Error; FailedTests = $FailedTests }
}

function Publish-Module {
    # Stages out/RSerPoolPU: the module and core assemblies with their runtime dependencies, the
    # manifest, format/type files and help. System.Management.Automation is never copied: pwsh has its own.
    param([string] $Root, [string] $Configuration, [string] $Destination)
    $bin = Join-Path $Root "src/RSerPool.PowerShell/bin/$Configuration/net8.0"
    if (Test-Path $Destination) { Remove-Item -Recurse -Force $Destination }
    $null = New-Item -ItemType Directory -Force -Path $Destination
    Get-ChildItem -Path $bin -File -Filter '*.dll' |
        Where-Object { $_.Name -notlike 'System.Management.Automation*' } |
        Copy-Item -Destination $Destination
    Copy-Item (Join-Path $Root 'RSerPoolPU.psd1') $Destination
    Get-ChildItem -Path (Join-Path $Root 'src/RSerPool.PowerShell') -Filter '*.ps1xml' -File |
        Copy-Item -Destination $Destination
    $help = Join-Path $Root 'en-US'
    if (Test-Path $help) { Copy-Item -Recurse $help (Join-Path $Destination 'en-US') }
    $generator = Join-Path $Root 'build/New-MamlHelp.ps1'
    if (Test-Path $generator) {
        & $generator -ModuleDir $Destination -DocDir $bin
    }
    Write-Step "staged module in $Destination"
}

function Read-TrxCounts([string] $TrxPath, [string] $Name) {
    if (-not (Test-Path $TrxPath)) {
        return New-SuiteResult -Name $Name -Failed 1 -Error "no result file $TrxPath"
    }
    [xml] $trx = Get-Content -Raw $TrxPath
    $counters = $trx.TestRun.ResultSummary.Counters
    $failedTests = @(foreach ($r in @($trx.TestRun.Results.UnitTestResult)) {
        if ($r -and $r.outcome -eq 'Failed') {
            $message = "$($r.Output.ErrorInfo.Message)".Trim() -split "`n" | Select-Object -First 1
            "$($r.testName): $message"
        }
    })
    # xunit reports skipped tests as NotExecuted.
    New-SuiteResult -Name $Name -Passed ([int]$counters.passed) -Failed ([int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted) `
        -Skipped ([int]$counters.notExecuted) -FailedTests $failedTests
}

function Invoke-XunitSuite {
    param([string] $Name, [string] $Project, [string] $Configuration, [string] $ResultsDir, [string] $Filter)
    Write-Step "xunit: $Name"
    $trx = Join-Path $ResultsDir "$Name.trx"
    if (Test-Path $trx) { Remove-Item $trx }
    $arguments = @('test', $Project, '-c', $Configuration, '--no-build', '--nologo',
        '--logger', "trx;LogFileName=$Name.trx", '--logger', 'console;verbosity=normal', '--results-directory', $ResultsDir)
    if ($Filter) { $arguments += @('--filter', $Filter) }
    & dotnet @arguments | Out-Host
    $result = Read-TrxCounts -TrxPath $trx -Name $Name
    if ($LASTEXITCODE -ne 0 -and $result.Failed -eq 0) {
        $result.Failed = 1
        $result.Error = "dotnet test exited with $LASTEXITCODE"
    }
    $result
}

function Get-PesterModulePath([string] $Root) {
    Invoke-Native dotnet restore (Join-Path $Root 'tests/tools.proj') --nologo --verbosity quiet
    $line = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $line.Trim() 'pester/6.2.0/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester was not restored to $path" }
    $path
}

function Invoke-PesterSuite {
    # Pester runs in a child pwsh so that importing the module does not lock the build's assemblies.
    param([string] $Name, [string] $Path, [string] $ModuleDir, [string] $ResultsDir,
          [string[]] $Tag = @(), [string[]] $ExcludeTag = @())
    Write-Step "pester: $Name"
    $pester = Get-PesterModulePath -Root (Split-Path $Path -Parent | Split-Path -Parent)
    $json = Join-Path $ResultsDir "$Name.json"
    if (Test-Path $json) { Remove-Item $json }
    $runner = Join-Path $PSScriptRoot 'Invoke-PesterRun.ps1'
    & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $runner -PesterPath $pester -TestPath $Path `
        -ResultPath $json -Tag ($Tag -join ',') -ExcludeTag ($ExcludeTag -join ',') | Out-Host
    if (-not (Test-Path $json)) {
        return New-SuiteResult -Name $Name -Failed 1 -Error "Pester wrote no results (exit $LASTEXITCODE)"
    }
    $r = Get-Content -Raw $json | ConvertFrom-Json
    New-SuiteResult -Name $Name -Passed $r.Passed -Failed $r.Failed -Skipped $r.Skipped -FailedTests @($r.FailedTests | Where-Object { $_ })
}

function Write-Summary([System.Collections.Generic.List[object]] $Suites) {
    Write-Host ''
    foreach ($s in $Suites) {
        $line = '{0,-14} {1,5} passed, {2,3} failed, {3,3} skipped' -f $s.Name, $s.Passed, $s.Failed, $s.Skipped
        if ($s.Error) { $line += "  ($($s.Error))" }
        Write-Host $line
        foreach ($t in @($s.FailedTests)) { if ($t) { Write-Host "    failed: $t" } }
    }
    $passed = ($Suites | Measure-Object -Property Passed -Sum).Sum
    $failed = ($Suites | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($Suites | Measure-Object -Property Skipped -Sum).Sum
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

. (Join-Path $PSScriptRoot 'LabSuites.ps1')
