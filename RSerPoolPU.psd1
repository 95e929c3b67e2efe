@{
    RootModule           = 'RSerPoolPU.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0c6b52-2a57-4c59-9a7e-3f5f1d0b7c41'
    Author               = 'RSerPoolPU contributors'
    CompanyName          = 'RSerPoolPU'
    Copyright            = '(c) RSerPoolPU contributors. MIT License.'
    Description          = 'Reliable Server Pooling (RFC 5351-5356) pool user: resolve pool handles at registrars, select pool elements by policy, connect over SCTP and fail over with ASAP cookies. Interoperates with rsplib.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('RSerPoolPU.Format.ps1xml')
    TypesToProcess       = @('RSerPoolPU.Types.ps1xml')
    CmdletsToExport      = @(
        'Resolve-PoolHandle'
        'Select-PoolElement'
        'Connect-PoolElement'
        'Disconnect-PoolElement'
        'Send-PoolRequest'
        'Register-PoolElementFailure'
        'Get-PoolSession'
        'Get-PoolRegistrar'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('RSerPool', 'ASAP', 'SCTP', 'Linux', 'HighAvailability')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
