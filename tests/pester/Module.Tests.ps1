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

    It 'runs the core inside pwsh without assembly conflicts (codec and logging)' {
        Import-Module $script:Manifest -Force -ErrorAction Stop
        # ASAP_HANDLE_RESOLUTION for "EchoPool" with rsplib's option Items=1 (brief §10).
        $hex = '050000180009000C' + [Convert]::ToHexString([Text.Encoding]::ASCII.GetBytes('EchoPool')) + '803F000800000001'
        $message = $null
        $decodeError = [RSerPool.Wire.DecodeError]::new([RSerPool.Wire.DecodeErrorReason]::Truncated, 0, $null, $null)
        [RSerPool.Wire.AsapCodec]::TryDecode([Convert]::FromHexString($hex), [ref] $message, [ref] $decodeError) | Should -BeTrue
        $message.GetType().Name | Should -Be 'HandleResolution'
        $message.PoolHandle.ToString() | Should -Be 'EchoPool'
        $message.Option.Items | Should -Be 1
        [Convert]::ToHexString([RSerPool.Wire.AsapCodec]::Encode($message)) | Should -Be $hex
        # Microsoft.Extensions.Logging must load beside pwsh's own assemblies (toolchain.md: <= 10.0.14).
        $factory = [Microsoft.Extensions.Logging.LoggerFactory]::new()
        $factory.CreateLogger('probe') | Should -Not -BeNullOrEmpty
        $factory.Dispose()
    }
}
