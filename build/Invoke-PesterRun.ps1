#Requires -Version 7.4
# Runs Pester in its own process and writes the counts as JSON for build.ps1 to add up.
# Pester's own closing line ("Tests Passed: N, Failed: N, ...") is not the plain summary CI reads.
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [string] $Tag = '',
    [string] $ExcludeTag = ''
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnit3'
$config.TestResult.OutputPath = [IO.Path]::ChangeExtension($ResultPath, '.xml')
if ($Tag) { $config.Filter.Tag = $Tag -split ',' }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag -split ',' }
$result = Invoke-Pester -Configuration $config
@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
    FailedTests = @($result.Failed | ForEach-Object { "$($_.ExpandedPath): $("$($_.ErrorRecord | Select-Object -First 1)" -split "`n" | Select-Object -First 1)" })
} | ConvertTo-Json | Set-Content -Path $ResultPath
