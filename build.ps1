<#
.SYNOPSIS
    Builds, tests and packages RSerPoolPU.

.DESCRIPTION
    One entry point for developers and CI:
      Build  compiles the solution and stages an importable module in out/RSerPoolPU/.
      Test   Build, then every suite: xunit unit tests on the host, Pester tests against the staged
             module, and the integration tests in the SCTP lab (tests/lab: natively where the kernel
             has SCTP, else in a qemu micro-VM running Debian's kernel and rsplib). Ends with the line
             "N passed, N failed, N skipped" summed over all suites; exits non-zero on any failure.
      Demo   Build, then a short scripted session in the SCTP lab (natively or in the micro-VM): an
             rsplib registrar and two echo elements in EchoPool, and examples/Demo.ps1 resolving,
             selecting, connecting, sending, killing the serving element and failing over. Ends with
             "Demo finished: failover from $X to $Y worked."; exits non-zero when it did not.
      Package Build, then copies the module to out/package/RSerPoolPU/<ModuleVersion>/ and publishes it
             with Publish-PSResource into the local file repository out/package/repo
             (RSerPoolPU.<version>.nupkg), which Install-PSResource installs from. The repository is
             registered under a temporary name only while publishing. Prints the nupkg's path.
      Clean  removes out/ and every bin/ and obj/ folder.

    Run it through the pinned PowerShell tool: `dotnet tool restore`, then
    `dotnet pwsh -NoProfile -File ./build.ps1 -Task Test`.

.PARAMETER Task
    Build, Test, Demo, Package or Clean.

.PARAMETER Configuration
    Debug or Release (default Release).

.PARAMETER SkipIntegration
    Test only: leave out the lab integration tests. Without this switch a lab that cannot start is a
    failure, never a silent skip.

.PARAMETER Filter
    Test only: a `dotnet test --filter` expression applied to the xunit suites (unit and integration),
    to run one test quickly, e.g. -Filter 'FullyQualifiedName~EchoSession'.
#>
#Requires -Version 7.4
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [switch] $SkipIntegration,

    [string] $Filter
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleOut = Join-Path $OutDir 'RSerPoolPU'
$ResultsDir = Join-Path $OutDir 'test-results'

. (Join-Path $Root 'build/BuildHelpers.ps1')
. (Join-Path $Root 'build/Package.ps1')

function Invoke-Build {
    Write-Step "dotnet build ($Configuration)"
    Invoke-Native dotnet build (Join-Path $Root 'RSerPool.PowerShell.sln') -c $Configuration -nologo --verbosity minimal
    Publish-Module -Root $Root -Configuration $Configuration -Destination $ModuleOut
}

function Invoke-Test {
    Invoke-Build
    $null = New-Item -ItemType Directory -Force -Path $ResultsDir
    $suites = [System.Collections.Generic.List[object]]::new()

    $suites.Add((Invoke-XunitSuite -Name 'unit' -Project (Join-Path $Root 'tests/RSerPool.Core.Tests') `
                -Configuration $Configuration -ResultsDir $ResultsDir -Filter $Filter))
    $suites.Add((Invoke-PesterSuite -Name 'pester' -Path (Join-Path $Root 'tests/pester') `
                -ModuleDir $ModuleOut -ResultsDir $ResultsDir -ExcludeTag 'Lab'))

    if ($SkipIntegration) {
        Write-Step 'integration tests skipped (-SkipIntegration)'
    }
    else {
        foreach ($suite in (Invoke-LabSuites -Root $Root -Configuration $Configuration -ModuleDir $ModuleOut -Filter $Filter)) {
            $suites.Add($suite)
        }
    }

    Write-Summary -Suites $suites
}

function Invoke-Demo {
    Invoke-Build
    $rc = Invoke-LabDemo -Root $Root
    if ($rc -ne 0) { Write-Host "Demo failed (exit code $rc)."; exit $rc }
}

function Invoke-Package {
    Invoke-Build
    $nupkg = New-ModulePackage -ModuleDir $ModuleOut -OutputDir (Join-Path $OutDir 'package')
    Write-Step 'published to the file repository out/package/repo'
    Write-Host $nupkg.FullName
}

function Invoke-Clean {
    foreach ($dir in @($OutDir) + @(Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'benchmarks') -Recurse -Directory -Include bin, obj -ErrorAction SilentlyContinue)) {
        if (Test-Path $dir) { Remove-Item -Recurse -Force $dir }
    }
    Write-Step 'clean'
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Package' { Invoke-Package }
    'Clean' { Invoke-Clean }
}
