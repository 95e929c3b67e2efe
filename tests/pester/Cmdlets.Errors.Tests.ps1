#Requires -Version 7.4
# ErrorRecords: stable fully qualified ids, categories, targets and recommended actions for
# validation failures, "no registrar", and "no SCTP on this kernel" (the host has none).
BeforeDiscovery {
    $script:HasSctp = Test-Path /proc/sys/net/sctp
}

BeforeAll {
    $script:Manifest = Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    $script:HasSctp = Test-Path /proc/sys/net/sctp
    $script:HasSystemConfig = Test-Path /etc/rserpool/registrars

    # No registrar from the environment or a config file, whatever the machine has.
    $script:SavedRegistrars = $env:RSERPOOL_REGISTRARS
    $script:SavedXdg = $env:XDG_CONFIG_HOME
    Remove-Item Env:RSERPOOL_REGISTRARS -ErrorAction SilentlyContinue
    $env:XDG_CONFIG_HOME = Join-Path ([IO.Path]::GetTempPath()) ('rsp-xdg-' + [guid]::NewGuid().ToString('N'))

    function script:New-TestElement([string] $Pool = 'EchoPool', [uint32] $Id = 0xe001) {
        $transport = [RSerPool.Wire.Parameters.SctpTransportParameter]::new(7000, [ipaddress[]] @('127.0.0.1'), 'DataOnly')
        [RSerPool.PoolElement]::new([RSerPool.PoolHandle]::FromText($Pool), $Id, $transport, [RSerPool.Wire.Parameters.PoolPolicyParameter]::RoundRobin(), 0, 5000)
    }

    function script:Get-Failure([scriptblock] $Script) {
        try { & $Script; $null } catch { $_ }
    }
}

AfterAll {
    if ($null -ne $script:SavedRegistrars) { $env:RSERPOOL_REGISTRARS = $script:SavedRegistrars }
    if ($null -ne $script:SavedXdg) { $env:XDG_CONFIG_HOME = $script:SavedXdg } else { Remove-Item Env:XDG_CONFIG_HOME -ErrorAction SilentlyContinue }
}

Describe 'Validation errors' {
    It '<Command> without any registrar stops with RegistrarNotSpecified' -ForEach @(
        @{ Command = 'Resolve-PoolHandle'; Script = { Resolve-PoolHandle EchoPool }; Class = 'ResolvePoolHandleCommand' }
        @{ Command = 'Select-PoolElement'; Script = { Select-PoolElement -PoolHandle EchoPool }; Class = 'SelectPoolElementCommand' }
        @{ Command = 'Connect-PoolElement'; Script = { Connect-PoolElement -PoolHandle EchoPool }; Class = 'ConnectPoolElementCommand' }
        @{ Command = 'Send-PoolRequest'; Script = { Send-PoolRequest -PoolHandle EchoPool 'hi' }; Class = 'SendPoolRequestCommand' }
        @{ Command = 'Register-PoolElementFailure'; Script = { Register-PoolElementFailure EchoPool 0xe001 -Confirm:$false }; Class = 'RegisterPoolElementFailureCommand' }
    ) {
        if ($script:HasSystemConfig) { Set-ItResult -Skipped -Because '/etc/rserpool/registrars configures a registrar on this machine'; return }
        $failure = Get-Failure $Script
        $failure.FullyQualifiedErrorId | Should -Be "RegistrarNotSpecified,RSerPool.PowerShell.Commands.$Class"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'Registrar'
    }

    It 'names the bad address in InvalidRegistrarAddress' {
        $failure = Get-Failure { Resolve-PoolHandle EchoPool -Registrar '127.0.0.1:99999' }
        $failure.FullyQualifiedErrorId | Should -Be 'InvalidRegistrarAddress,RSerPool.PowerShell.Commands.ResolvePoolHandleCommand'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -Match '99999'
    }

    It 'reports a bad RSERPOOL_REGISTRARS entry as InvalidRegistrarAddress' {
        $env:RSERPOOL_REGISTRARS = 'not-an-address'
        try {
            $failure = Get-Failure { Resolve-PoolHandle EchoPool }
        }
        finally {
            Remove-Item Env:RSERPOOL_REGISTRARS
        }
        $failure.FullyQualifiedErrorId | Should -Be 'InvalidRegistrarAddress,RSerPool.PowerShell.Commands.ResolvePoolHandleCommand'
        $failure.Exception.Message | Should -Match 'RSERPOOL_REGISTRARS'
    }

    It 'rejects an unknown -Policy with InvalidPolicy' {
        $failure = Get-Failure { New-TestElement | Select-PoolElement -Policy NoSuchPolicy }
        $failure.FullyQualifiedErrorId | Should -Be 'InvalidPolicy,RSerPool.PowerShell.Commands.SelectPoolElementCommand'
        $failure.TargetObject | Should -Be 'NoSuchPolicy'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'RoundRobin'
    }

    It 'rejects an -Exclude entry that is no identifier with InvalidPoolElementIdentifier' {
        $failure = Get-Failure { New-TestElement | Select-PoolElement -Exclude 'e001' }
        $failure.FullyQualifiedErrorId | Should -Be 'InvalidPoolElementIdentifier,RSerPool.PowerShell.Commands.SelectPoolElementCommand'
    }

    It 'rejects -Identifier text that is no identifier at binding time' {
        $failure = Get-Failure { Register-PoolElementFailure -PoolHandle EchoPool -Identifier 'nope' -WhatIf }
        $failure.FullyQualifiedErrorId | Should -Be 'ParameterArgumentTransformationError,RSerPool.PowerShell.Commands.RegisterPoolElementFailureCommand'
    }

    It 'rejects PPID 11 (ASAP''s own) with ReservedPayloadProtocolId' {
        $failure = Get-Failure { New-TestElement | Send-PoolRequest 'hi' -Ppid 11 }
        $failure.FullyQualifiedErrorId | Should -Be 'ReservedPayloadProtocolId,RSerPool.PowerShell.Commands.SendPoolRequestCommand'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'rejects -HedgeAfterSec without -Idempotent with HedgeNeedsIdempotent' {
        $failure = Get-Failure { New-TestElement | Send-PoolRequest 'hi' -HedgeAfterSec 0.1 }
        $failure.FullyQualifiedErrorId | Should -Be 'HedgeNeedsIdempotent,RSerPool.PowerShell.Commands.SendPoolRequestCommand'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'Idempotent'
    }

    It 'rejects -AdaptiveHedge without -Idempotent with HedgeNeedsIdempotent' {
        $failure = Get-Failure { New-TestElement | Send-PoolRequest 'hi' -AdaptiveHedge }
        $failure.FullyQualifiedErrorId | Should -Be 'HedgeNeedsIdempotent,RSerPool.PowerShell.Commands.SendPoolRequestCommand'
        $failure.Exception.Message | Should -Match 'AdaptiveHedge'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'Idempotent'

        $both = Get-Failure { New-TestElement | Send-PoolRequest 'hi' -AdaptiveHedge -HedgeAfterSec 0.1 }
        $both.FullyQualifiedErrorId | Should -Be 'HedgeNeedsIdempotent,RSerPool.PowerShell.Commands.SendPoolRequestCommand'
        $both.ErrorDetails.RecommendedAction | Should -Match 'leave out -AdaptiveHedge and -HedgeAfterSec'
    }

    It 'rejects out-of-range values before any network work: <Case>' -ForEach @(
        @{ Case = 'HedgeAfterSec 0'; Script = { New-TestElement | Send-PoolRequest 'x' -Idempotent -HedgeAfterSec 0 } }
        @{ Case = 'Count 0'; Script = { New-TestElement | Select-PoolElement -Count 0 } }
        @{ Case = 'TimeoutSec 0'; Script = { New-TestElement | Send-PoolRequest 'x' -TimeoutSec 0 } }
        @{ Case = 'ResponseCount 0'; Script = { New-TestElement | Send-PoolRequest 'x' -ResponseCount 0 } }
        @{ Case = 'MaxElements 0'; Script = { Resolve-PoolHandle EchoPool -MaxElements 0 } }
        @{ Case = 'empty registrar'; Script = { Resolve-PoolHandle EchoPool -Registrar '' } }
    ) {
        (Get-Failure $Script).FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
    }

    It 'takes -Encoding names and rejects unknown ones' {
        (Get-Failure { New-TestElement | Send-PoolRequest 'x' -Encoding nonsense-encoding }).FullyQualifiedErrorId |
            Should -BeLike 'ParameterArgumentTransformationError,*'
    }
}

Describe 'No SCTP on this kernel' {
    BeforeAll {
        $script:Expected = if ($script:HasSctp) { 'NoRegistrarReachable' } else { 'TransportUnavailable' }
    }

    It 'Resolve-PoolHandle stops with <Expected> and a recommended action' {
        $failure = Get-Failure { Resolve-PoolHandle EchoPool -Registrar 127.0.0.1:3863 }
        $failure.FullyQualifiedErrorId | Should -Be "$script:Expected,RSerPool.PowerShell.Commands.ResolvePoolHandleCommand"
        $failure.CategoryInfo.Category | Should -Be $(if ($script:HasSctp) { 'ConnectionError' } else { 'NotImplemented' })
        $failure.TargetObject | Should -Be 'EchoPool'
        $failure.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $failure.Exception | Should -BeOfType ([RSerPool.RSerPoolException])
    }

    It 'is terminating: later pipeline input is not tried' {
        $count = [ref] 0
        $failure = Get-Failure { 'EchoPool', 'Other' | ForEach-Object { $count.Value++; $_ } | Resolve-PoolHandle -Registrar 127.0.0.1:3863 }
        $failure | Should -Not -BeNullOrEmpty
        $count.Value | Should -Be 1
    }

    It 'Connect-PoolElement to a piped element needs no registrar and fails with TransportUnavailable' -Skip:$script:HasSctp {
        $failure = Get-Failure { New-TestElement | Connect-PoolElement }
        $failure.FullyQualifiedErrorId | Should -Be 'TransportUnavailable,RSerPool.PowerShell.Commands.ConnectPoolElementCommand'
        $failure.TargetObject | Should -BeOfType ([RSerPool.PoolElement])
        $failure.ErrorDetails.RecommendedAction | Should -Match 'modprobe sctp'
    }

    It 'Send-PoolRequest to a piped element fails with TransportUnavailable' -Skip:$script:HasSctp {
        $failure = Get-Failure { New-TestElement | Send-PoolRequest 'hello' }
        $failure.FullyQualifiedErrorId | Should -Be 'TransportUnavailable,RSerPool.PowerShell.Commands.SendPoolRequestCommand'
    }

    It 'Register-PoolElementFailure -WhatIf neither reports nor fails' {
        { New-TestElement | Register-PoolElementFailure -WhatIf -Registrar 127.0.0.1:3863 -ErrorAction Stop } | Should -Not -Throw
        New-TestElement | Register-PoolElementFailure -WhatIf -PassThru | Should -BeNullOrEmpty
    }

    It 'Register-PoolElementFailure without -WhatIf tries the registrar' {
        $failure = Get-Failure { New-TestElement | Register-PoolElementFailure -Confirm:$false -Registrar 127.0.0.1:3863 }
        $failure.FullyQualifiedErrorId | Should -Be "$script:Expected,RSerPool.PowerShell.Commands.RegisterPoolElementFailureCommand"
    }

    It 'writes the core''s log as verbose lines' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:Manifest'; Resolve-PoolHandle EchoPool -Registrar 127.0.0.1:3863 -Verbose")
            try { $null = $ps.Invoke() } catch { $null = $_ }
            # The core's ILogger lines (the server hunt) arrive as verbose records, written on the pipeline thread.
            @($ps.Streams.Verbose.Message) -match 'Server hunt' | Should -Not -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }

    It 'writes no verbose lines without -Verbose' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:Manifest'; Resolve-PoolHandle EchoPool -Registrar 127.0.0.1:3863")
            try { $null = $ps.Invoke() } catch { $null = $_ }
            $ps.HadErrors | Should -BeTrue
            $ps.Streams.Verbose.Count | Should -Be 0
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Registrar defaults' {
    It 'takes -Registrar from $PSDefaultParameterValues' {
        $saved = $PSDefaultParameterValues.Clone()
        try {
            $PSDefaultParameterValues['*-Pool*:Registrar'] = '127.0.0.9:3864'
            $registrars = Get-PoolRegistrar
            @($registrars).Count | Should -Be 1
            $registrars.Address.ToString() | Should -Be '127.0.0.9:3864'
            $registrars.Source | Should -Be 'Parameter'
        }
        finally {
            $PSDefaultParameterValues.Clear()
            foreach ($k in $saved.Keys) { $PSDefaultParameterValues[$k] = $saved[$k] }
        }
    }

    It 'takes registrars from RSERPOOL_REGISTRARS, 3863 when no port is given' {
        $env:RSERPOOL_REGISTRARS = '127.0.0.7:3870;127.0.0.8'
        try {
            $registrars = Get-PoolRegistrar
        }
        finally {
            Remove-Item Env:RSERPOOL_REGISTRARS
        }
        @($registrars | ForEach-Object { $_.Address.ToString() }) | Should -Be @('127.0.0.7:3870', '127.0.0.8:3863')
        @($registrars.Source | Sort-Object -Unique) | Should -Be @('RSERPOOL_REGISTRARS')
        $registrars.IsHome | Should -Not -Contain $true
    }

    It 'takes registrars from the config file under XDG_CONFIG_HOME' {
        $dir = Join-Path $env:XDG_CONFIG_HOME 'rserpool'
        $null = New-Item -ItemType Directory -Force $dir
        Set-Content (Join-Path $dir 'registrars') "# lab registrars`n127.0.0.5:3863  # the first`n[::1]:3865"
        try {
            $registrars = Get-PoolRegistrar
        }
        finally {
            Remove-Item -Recurse $dir
        }
        @($registrars | ForEach-Object { $_.Address.ToString() }) | Should -Be @('127.0.0.5:3863', '[::1]:3865')
        @($registrars.Source | Sort-Object -Unique) | Should -Be @('ConfigFile')
    }

    It 'prefers -Registrar over the environment variable' {
        $env:RSERPOOL_REGISTRARS = '127.0.0.7'
        try {
            (Get-PoolRegistrar -Registrar 127.0.0.6).Address.ToString() | Should -Be '127.0.0.6:3863'
        }
        finally {
            Remove-Item Env:RSERPOOL_REGISTRARS
        }
    }

    It 'warns and writes nothing when no registrar is configured' {
        if ($script:HasSystemConfig) { Set-ItResult -Skipped -Because '/etc/rserpool/registrars exists'; return }
        $out = Get-PoolRegistrar -WarningVariable warned -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $warned | Should -Not -BeNullOrEmpty
    }
}
