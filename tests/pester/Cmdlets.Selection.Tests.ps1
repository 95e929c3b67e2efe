#Requires -Version 7.4
# Select-PoolElement over piped elements (pure selection, no network), and the format and types
# files on the objects the cmdlets write.
BeforeAll {
    $script:Manifest = Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1' | Resolve-Path
    Import-Module $script:Manifest -Force -ErrorAction Stop

    function script:New-TestElement([string] $Pool = 'EchoPool', [uint32] $Id = 0xe001, $Policy = $null, [uint16] $Port = 7000) {
        if (-not $Policy) { $Policy = [RSerPool.Wire.Parameters.PoolPolicyParameter]::RoundRobin() }
        $transport = [RSerPool.Wire.Parameters.SctpTransportParameter]::new($Port, [ipaddress[]] @('10.0.0.1', '10.0.1.1'), 'DataPlusControl')
        [RSerPool.PoolElement]::new([RSerPool.PoolHandle]::FromText($Pool), $Id, $transport, $Policy, 0x1234, 5000)
    }

    function script:New-UniquePool { 'SelPool' + [guid]::NewGuid().ToString('N').Substring(0, 8) }
}

Describe 'Select-PoolElement with piped elements' {
    It 'selects one element by default' {
        $pool = New-UniquePool
        $selected = @(New-TestElement -Pool $pool -Id 1; New-TestElement -Pool $pool -Id 2) | Select-PoolElement
        @($selected).Count | Should -Be 1
        $selected | Should -BeOfType ([RSerPool.PoolElement])
    }

    It 'continues round robin across commands in the same runspace' {
        $pool = New-UniquePool
        $elements = 1..3 | ForEach-Object { New-TestElement -Pool $pool -Id $_ }
        $picks = 1..6 | ForEach-Object { ($elements | Select-PoolElement).Identifier }
        $picks | Should -Be @(1, 2, 3, 1, 2, 3)
    }

    It 'uses the pool''s policy: Priority picks the highest priority' {
        $pool = New-UniquePool
        $elements = @(
            New-TestElement -Pool $pool -Id 1 -Policy ([RSerPool.Wire.Parameters.PoolPolicyParameter]::PriorityPolicy(1))
            New-TestElement -Pool $pool -Id 2 -Policy ([RSerPool.Wire.Parameters.PoolPolicyParameter]::PriorityPolicy(9))
            New-TestElement -Pool $pool -Id 3 -Policy ([RSerPool.Wire.Parameters.PoolPolicyParameter]::PriorityPolicy(5))
        )
        ($elements | Select-PoolElement).Identifier | Should -Be 2
    }

    It 'lets -Policy override the pool''s policy' {
        $pool = New-UniquePool
        $elements = @(
            New-TestElement -Pool $pool -Id 1 -Policy ([RSerPool.Wire.Parameters.PoolPolicyParameter]::LeastUsed(900))
            New-TestElement -Pool $pool -Id 2 -Policy ([RSerPool.Wire.Parameters.PoolPolicyParameter]::LeastUsed(100))
        )
        ($elements | Select-PoolElement).Identifier | Should -Be 2
        ($elements | Select-PoolElement -Policy RoundRobin).Identifier | Should -Be 1
        ($elements | Select-PoolElement -Policy RR).Identifier | Should -Be 2
    }

    It 'excludes elements given as objects, $-identifiers, hex and numbers' {
        $pool = New-UniquePool
        $elements = 1..5 | ForEach-Object { New-TestElement -Pool $pool -Id $_ }
        $left = $elements | Select-PoolElement -Count 5 -Exclude $elements[0], '$00000002', '0x3', 4
        @($left.Identifier) | Should -Be @(5)
    }

    It 'selects -Count distinct elements, no more than there are' {
        $pool = New-UniquePool
        $elements = 1..3 | ForEach-Object { New-TestElement -Pool $pool -Id $_ }
        $selected = $elements | Select-PoolElement -Count 10
        @($selected).Count | Should -Be 3
        @($selected.Identifier | Sort-Object -Unique).Count | Should -Be 3
    }

    It 'selects per pool when elements of several pools are piped' {
        $a = New-UniquePool; $b = New-UniquePool
        $selected = @(New-TestElement -Pool $a -Id 1; New-TestElement -Pool $b -Id 2; New-TestElement -Pool $a -Id 3) | Select-PoolElement
        @($selected).Count | Should -Be 2
        @($selected | ForEach-Object { $_.PoolHandle.ToString() } | Sort-Object) | Should -Be @(@($a, $b) | Sort-Object)
    }

    It 'writes NoPoolElementAvailable (non-terminating) when everything is excluded' {
        $pool = New-UniquePool
        $e = New-TestElement -Pool $pool -Id 7
        $out = $e | Select-PoolElement -Exclude 7 -ErrorAction SilentlyContinue -ErrorVariable failures
        $out | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'NoPoolElementAvailable,RSerPool.PowerShell.Commands.SelectPoolElementCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $failures[0].TargetObject | Should -Be $pool
        $failures[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'writes the selection to the verbose stream' {
        $pool = New-UniquePool
        $verbose = New-TestElement -Pool $pool -Id 0xe001 | Select-PoolElement -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message | Should -Match ([regex]::Escape('Selected $0000e001'))
    }
}

Describe 'Types and format views' {
    BeforeAll {
        $script:Element = New-TestElement -Id 0xe001 -Policy ([RSerPool.Wire.Parameters.PoolPolicyParameter]::LeastUsedDegradation(5, 7))
    }

    It 'adds computed properties to PoolElement' {
        $e = $script:Element
        $e.IdentifierText | Should -Be '$0000e001'
        $e.PoolElementId | Should -Be 0xe001
        $e.TransportName | Should -Be 'SCTP'
        $e.Addresses | Should -Be '10.0.0.1:7000, 10.0.1.1:7000'
        $e.PolicyName | Should -Be 'LeastUsedDegradation'
        $e.PolicyValues | Should -Be 'Load=5, LoadDegradation=7'
        $e.HomeRegistrar | Should -Be '$00001234'
    }

    It 'shows PoolElement in a table with identifier, transport, addresses and policy' {
        $text = $script:Element | Format-Table | Out-String -Width 250
        $text | Should -Match 'PoolHandle\s+Identifier\s+Transport\s+Addresses\s+Policy\s+PolicyValues\s+ResolvedBy'
        $text | Should -Match ([regex]::Escape('EchoPool   $0000e001  SCTP'))
    }

    It 'shows PoolElement in a list with every field of the resolution' {
        $text = $script:Element | Format-List | Out-String -Width 250
        foreach ($label in 'Identifier', 'Transport', 'Addresses', 'TransportUse', 'Policy', 'PolicyValues', 'HomeRegistrar', 'RegistrationLife', 'ResolvedBy', 'ResolvedAt') {
            $text | Should -Match "(?m)^$label\s+:"
        }
        $text | Should -Match 'TransportUse\s+: DataPlusControl'
    }

    It 'has a table and a list view for <Type>' -ForEach @(
        @{ Type = 'RSerPool.PoolElement' }
        @{ Type = 'RSerPool.Sessions.PoolSession' }
        @{ Type = 'RSerPool.Sessions.SessionReply' }
        @{ Type = 'RSerPool.PowerShell.PoolRegistrar' }
    ) {
        $controls = (Get-FormatData -TypeName $Type -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition.Control
        $controls | Where-Object { $_ -is [System.Management.Automation.TableControl] } | Should -Not -BeNullOrEmpty
        $controls | Where-Object { $_ -is [System.Management.Automation.ListControl] } | Should -Not -BeNullOrEmpty
    }

    It 'gives SessionReply its data, text, element and round trip' {
        $messages = [RSerPool.Sessions.SessionMessage[]] @(
            [RSerPool.Sessions.SessionMessage]::new([byte[]] [Text.Encoding]::UTF8.GetBytes('hel'), 0, 0)
            [RSerPool.Sessions.SessionMessage]::new([byte[]] [Text.Encoding]::UTF8.GetBytes('lo'), 0, 0))
        $reply = [RSerPool.Sessions.SessionReply]::new($messages, $script:Element, [timespan]::FromMilliseconds(1.25), $true, 2)
        $reply.Text | Should -Be 'hello'
        , $reply.Data | Should -BeOfType ([byte[]])
        $reply.Data.Length | Should -Be 5
        $reply.ElementId | Should -Be '$0000e001'
        $reply.RoundTripMs | Should -Be 1.25
        $reply.PoolHandle.ToString() | Should -Be 'EchoPool'
        $text = $reply | Format-Table | Out-String -Width 250
        $text | Should -Match 'PoolHandle\s+Element\s+RoundTripMs\s+FailedOver\s+Attempts\s+Bytes\s+Text'
        $text | Should -Match ([regex]::Escape('$0000e001'))
    }

    It 'decodes SessionReply.Text with the encoding Send-PoolRequest attached' {
        $message = [RSerPool.Sessions.SessionMessage]::new([byte[]] (0x68, 0xe9), 0, 0)
        $reply = [RSerPool.Sessions.SessionReply]::new([RSerPool.Sessions.SessionMessage[]] @($message), $script:Element, [timespan]::Zero, $false, 1)
        $wrapped = [psobject]::AsPSObject($reply)
        $wrapped.PSObject.Properties.Add([psnoteproperty]::new('Encoding', [Text.Encoding]::Latin1))
        $wrapped.Text | Should -Be 'hé'
    }
}
