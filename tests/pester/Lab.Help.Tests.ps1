#Requires -Version 7.4
# Every example of the cmdlets' help runs against the lab pool (tag 'Lab'), each in a fresh runspace
# with the module imported, and finishes without an error. Environment as Lab.Cmdlets.Tests.ps1:
# RSERPOOL_REGISTRARS points to a live rsplib registrar with EchoPool of two echo elements.
BeforeDiscovery {
    $manifest = (Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1' | Resolve-Path).Path
    Import-Module $manifest -Force
    $script:Examples = foreach ($name in (Import-PowerShellDataFile $manifest).CmdletsToExport) {
        $n = 0
        foreach ($example in (Get-Help $name -Examples).Examples.Example) {
            $n++
            @{ Cmdlet = $name; Number = $n; Title = ($example.Title -replace '^-+ | -+$', '').Trim(); Code = $example.Code }
        }
    }
}

BeforeAll {
    $script:Manifest = (Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1' | Resolve-Path).Path
    if (-not $env:RSERPOOL_REGISTRARS) { throw 'The Lab tests need RSERPOOL_REGISTRARS pointing to a live rsplib registrar with EchoPool.' }
}

Describe 'Lab: help example <Cmdlet> #<Number>' -Tag 'Lab' -ForEach $script:Examples {
    It 'runs without errors: <Title>' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:Manifest' -ErrorAction Stop`n" + $Code + "`nGet-PoolSession | Disconnect-PoolElement")
            $null = $ps.Invoke()
            $errors = @($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
            $errors | Should -BeNullOrEmpty -Because "example code:`n$Code"
        }
        finally { $ps.Dispose() }
    }
}
