#Requires -Version 7.4
# The cmdlets' shape as PowerShell sees it: output types, parameter sets, pipeline binding,
# completion. No registrar and no SCTP needed.
BeforeAll {
    $script:Manifest = Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop

    function script:New-TestElement([string] $Pool = 'EchoPool', [uint32] $Id = 0xe001, $Policy = $null, [uint16] $Port = 7000) {
        if (-not $Policy) { $Policy = [RSerPool.Wire.Parameters.PoolPolicyParameter]::RoundRobin() }
        $transport = [RSerPool.Wire.Parameters.SctpTransportParameter]::new($Port, [ipaddress[]] @('10.0.0.1', '10.0.1.1'), 'DataPlusControl')
        [RSerPool.PoolElement]::new([RSerPool.PoolHandle]::FromText($Pool), $Id, $transport, $Policy, 0x1234, 5000)
    }
}

Describe 'Cmdlet surface' {
    It '<Name> declares its output type <Type>' -ForEach @(
        @{ Name = 'Resolve-PoolHandle'; Type = 'RSerPool.PoolElement' }
        @{ Name = 'Select-PoolElement'; Type = 'RSerPool.PoolElement' }
        @{ Name = 'Connect-PoolElement'; Type = 'RSerPool.Sessions.PoolSession' }
        @{ Name = 'Disconnect-PoolElement'; Type = 'RSerPool.Sessions.PoolSession' }
        @{ Name = 'Send-PoolRequest'; Type = 'RSerPool.Sessions.SessionReply' }
        @{ Name = 'Register-PoolElementFailure'; Type = 'RSerPool.PoolElement' }
        @{ Name = 'Get-PoolSession'; Type = 'RSerPool.Sessions.PoolSession' }
        @{ Name = 'Get-PoolRegistrar'; Type = 'RSerPool.PowerShell.PoolRegistrar' }
    ) {
        (Get-Command $Name).OutputType.Name | Should -Contain $Type
    }

    It '<Name> has the parameter sets <Sets> (default <Default>)' -ForEach @(
        @{ Name = 'Select-PoolElement'; Sets = 'InputObject', 'PoolHandle'; Default = 'InputObject' }
        @{ Name = 'Connect-PoolElement'; Sets = 'PoolElement', 'PoolHandle'; Default = 'PoolElement' }
        @{ Name = 'Send-PoolRequest'; Sets = 'PoolElement', 'PoolHandle', 'Session'; Default = 'Session' }
        @{ Name = 'Register-PoolElementFailure'; Sets = 'Identifier', 'PoolElement'; Default = 'PoolElement' }
        @{ Name = 'Disconnect-PoolElement'; Sets = 'All', 'Session'; Default = 'Session' }
    ) {
        $command = Get-Command $Name
        @($command.ParameterSets.Name | Sort-Object) | Should -Be @($Sets)
        $command.DefaultParameterSet | Should -Be $Default
    }

    It '<Name> -<Parameter> takes pipeline input <How>' -ForEach @(
        @{ Name = 'Resolve-PoolHandle'; Parameter = 'PoolHandle'; How = 'ByValue', 'ByPropertyName' }
        @{ Name = 'Select-PoolElement'; Parameter = 'InputObject'; How = 'ByValue' }
        @{ Name = 'Select-PoolElement'; Parameter = 'PoolHandle'; How = 'ByValue', 'ByPropertyName' }
        @{ Name = 'Connect-PoolElement'; Parameter = 'PoolElement'; How = 'ByValue' }
        @{ Name = 'Connect-PoolElement'; Parameter = 'PoolHandle'; How = 'ByValue', 'ByPropertyName' }
        @{ Name = 'Send-PoolRequest'; Parameter = 'Session'; How = 'ByValue' }
        @{ Name = 'Send-PoolRequest'; Parameter = 'PoolElement'; How = 'ByValue' }
        @{ Name = 'Send-PoolRequest'; Parameter = 'PoolHandle'; How = 'ByPropertyName' }
        @{ Name = 'Register-PoolElementFailure'; Parameter = 'PoolElement'; How = 'ByValue' }
        @{ Name = 'Register-PoolElementFailure'; Parameter = 'PoolHandle'; How = 'ByPropertyName' }
        @{ Name = 'Register-PoolElementFailure'; Parameter = 'Identifier'; How = 'ByPropertyName' }
        @{ Name = 'Disconnect-PoolElement'; Parameter = 'Session'; How = 'ByValue' }
    ) {
        $attributes = (Get-Command $Name).Parameters[$Parameter].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        ($attributes.ValueFromPipeline -contains $true) | Should -Be ('ByValue' -in $How)
        ($attributes.ValueFromPipelineByPropertyName -contains $true) | Should -Be ('ByPropertyName' -in $How)
    }

    It 'never binds -Message from the pipeline (a piped byte[] would be unrolled)' {
        $attributes = (Get-Command Send-PoolRequest).Parameters['Message'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        $attributes.ValueFromPipeline | Should -Not -Contain $true
    }

    It 'supports -WhatIf and -Confirm only where shared state changes' {
        (Get-Command Register-PoolElementFailure).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command Register-PoolElementFailure).Parameters.Keys | Should -Contain 'Confirm'
        foreach ($name in 'Resolve-PoolHandle', 'Select-PoolElement', 'Connect-PoolElement', 'Send-PoolRequest') {
            (Get-Command $name).Parameters.Keys | Should -Not -Contain 'WhatIf'
        }
    }

    It 'offers -Registrar and -Discover on every cmdlet that talks to registrars' {
        foreach ($name in 'Resolve-PoolHandle', 'Select-PoolElement', 'Connect-PoolElement', 'Send-PoolRequest', 'Register-PoolElementFailure', 'Get-PoolRegistrar') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'Registrar'
            (Get-Command $name).Parameters.Keys | Should -Contain 'Discover'
        }
    }
}

Describe 'Pipeline binding' {
    BeforeAll {
        $script:Element = New-TestElement
    }

    It 'binds a piped element to -PoolElement, not to -PoolHandle by its property' {
        $e = $script:Element
        { $e | Register-PoolElementFailure -WhatIf -ErrorAction Stop } | Should -Not -Throw
    }

    It 'binds PoolHandle and Identifier by property name from a plain object' {
        { [pscustomobject]@{ PoolHandle = 'EchoPool'; Identifier = '$0000e009' } | Register-PoolElementFailure -WhatIf -ErrorAction Stop } | Should -Not -Throw
    }

    It 'takes identifiers as $0000e001, 0xe001 and numbers' {
        foreach ($id in '$0000e001', '0xe001', 57345, '57345') {
            { Register-PoolElementFailure -PoolHandle EchoPool -Identifier $id -WhatIf -ErrorAction Stop } | Should -Not -Throw
        }
    }

    It 'binds a lone positional argument after a piped element to -Message' {
        $e = $script:Element
        $bound = $null
        try { $e | Send-PoolRequest 'hi' -ErrorAction Stop } catch { $bound = $_ }
        # It got as far as connecting: parameters bound, the transport (or registrar) answered.
        $bound.FullyQualifiedErrorId | Should -Not -BeLike 'MissingMandatoryParameter*'
        $bound.FullyQualifiedErrorId | Should -Not -BeLike 'AmbiguousParameterSet*'
        $bound.FullyQualifiedErrorId | Should -BeLike '*,RSerPool.PowerShell.Commands.SendPoolRequestCommand'
    }
}

Describe 'Tab completion' {
    BeforeAll {
        $script:Pool = 'CompletionPool' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        # A selection records the pool handle as seen in this runspace.
        $null = New-TestElement -Pool $script:Pool | Select-PoolElement
    }

    It 'completes -PoolHandle of <Name> with handles seen in this runspace' -ForEach @(
        @{ Name = 'Resolve-PoolHandle -PoolHandle ' }
        @{ Name = 'Connect-PoolElement -PoolHandle ' }
        @{ Name = 'Select-PoolElement -PoolHandle ' }
        @{ Name = 'Send-PoolRequest -PoolHandle ' }
        @{ Name = 'Register-PoolElementFailure -PoolHandle ' }
        @{ Name = 'Get-PoolSession -PoolHandle ' }
    ) {
        $line = $Name + 'CompletionPool'
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $found | Should -Contain $script:Pool
    }

    It 'does not offer handles that were never seen' {
        $line = 'Resolve-PoolHandle NeverSeenPool'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
    }

    It 'completes -Policy with the supported policy names' {
        $line = 'Select-PoolElement -Policy Weighted'
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $found | Should -Contain 'WeightedRoundRobin'
        $found | Should -Contain 'WeightedRandom'
    }

    It 'completes -Encoding with encoding names' {
        $line = 'Send-PoolRequest -Encoding ut'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'utf8'
    }
}
