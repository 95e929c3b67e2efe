#Requires -Version 7.4
# Checks the staged module (out/RSerPoolPU) the way a user meets it: manifest, import, exports.
BeforeAll {
    $script:ModuleDir = Join-Path $PSScriptRoot '../../out/RSerPoolPU' | Resolve-Path
    $script:Manifest = Join-Path $script:ModuleDir 'RSerPoolPU.psd1'
}

Describe 'RSerPoolPU module' {
    It 'has a valid manifest in the staged folder' {
        $info = Test-ModuleManifest -Path $script:Manifest -ErrorAction Stop
        $info.Name | Should -Be 'RSerPoolPU'
        $info.RootModule | Should -Be 'RSerPoolPU.dll'
        $info.CompatiblePSEditions | Should -Contain 'Core'
    }

    It 'imports as a binary module' {
        $module = Import-Module $script:Manifest -PassThru -Force -ErrorAction Stop
        $module.ModuleType | Should -Be 'Binary'
        $module.Version | Should -Be ([version]'0.1.0')
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $module = Import-Module $script:Manifest -PassThru -Force -ErrorAction Stop
        $data = Import-PowerShellDataFile $script:Manifest
        $exported = @((Get-Command -Module RSerPoolPU).Name | Sort-Object)
        $exported | Should -Be @($data.CmdletsToExport | Sort-Object)
        $module.ExportedFunctions.Count | Should -Be 0
    }

    It 'ships the core assembly beside the module and no System.Management.Automation copy' {
        Join-Path $script:ModuleDir 'RSerPool.Core.dll' | Should -Exist
        Join-Path $script:ModuleDir 'System.Management.Automation.dll' | Should -Not -Exist
    }

    It 'loads the codec inside pwsh without assembly conflicts' {
        Import-Module $script:Manifest -Force -ErrorAction Stop
        $bytes = [byte[]](0x05, 0x00, 0x00, 0x10, 0x00, 0x09, 0x00, 0x0c) + [Text.Encoding]::ASCII.GetBytes('EchoPool')
        $asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'RSerPool.Core' }
        $asm | Should -Not -BeNullOrEmpty
        $codec = $asm.GetType('RSerPool.Wire.AsapCodec', $true)
        $codec | Should -Not -BeNullOrEmpty
        $bytes.Length | Should -Be 16
    }
}
