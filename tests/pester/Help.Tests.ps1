#Requires -Version 7.4
# Help completeness: the MAML generated from the doc comments (build/New-MamlHelp.ps1) and the
# about topic. The examples themselves run in the lab (Lab.Help.Tests.ps1).
BeforeDiscovery {
    $manifest = Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1'
    $script:CmdletNames = @((Import-PowerShellDataFile $manifest).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    $script:ModuleDir = (Join-Path $PSScriptRoot '../../out/RSerPoolPU' | Resolve-Path).Path
    Import-Module (Join-Path $script:ModuleDir 'RSerPoolPU.psd1') -Force -ErrorAction Stop
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

Describe 'Module help files' {
    It 'ships generated MAML in en-US' {
        $maml = Join-Path $script:ModuleDir 'en-US/RSerPoolPU.dll-Help.xml'
        $maml | Should -Exist
        ([xml] (Get-Content -Raw $maml)).GetElementsByTagName('command:command').Count | Should -Be @(Get-Command -Module RSerPoolPU).Count
    }

    It 'ships about_RSerPoolPU covering pools, registrars, policies, failover and the lab' {
        $about = Get-Help about_RSerPoolPU | Out-String
        foreach ($topic in 'POOLS, POOL HANDLES AND POOL ELEMENTS', 'REGISTRARS', 'POLICIES', 'SESSIONS AND FAILOVER', 'ERRORS', 'SCTP AND THE LOCAL LAB', 'RSERPOOL_REGISTRARS', 'PSDefaultParameterValues') {
            $about | Should -Match ([regex]::Escape($topic))
        }
    }

    It 'lists every ErrorId of the module in about_RSerPoolPU' {
        $about = Get-Help about_RSerPoolPU | Out-String
        $ids = [enum]::GetNames([RSerPool.PoolFailure]) + @('RegistrarNotSpecified', 'InvalidRegistrarAddress', 'InvalidPolicy', 'InvalidPoolElementIdentifier', 'ReservedPayloadProtocolId', 'HedgeNeedsIdempotent')
        foreach ($id in $ids) { $about | Should -Match "\b$id\b" }
    }
}

Describe '<Name> help' -ForEach $script:CmdletNames {
    BeforeAll {
        $script:Help = Get-Help $Name -Full
        $script:Command = Get-Command $Name
    }

    It 'has a synopsis, not the generated syntax line' {
        $script:Help.Synopsis | Should -Not -BeNullOrEmpty
        $script:Help.Synopsis | Should -Not -BeLike "$Name *"
        $script:Help.Synopsis | Should -Match '\.$'
    }

    It 'has a description' {
        ($script:Help.Description.Text -join ' ').Length | Should -BeGreaterThan 100
    }

    It 'describes every parameter' {
        $documented = @{}
        foreach ($p in $script:Help.Parameters.Parameter) { $documented[$p.Name] = ($p.Description.Text -join ' ') }
        foreach ($name in $script:Command.Parameters.Keys | Where-Object { $_ -notin $script:Common -or $_ -in 'WhatIf', 'Confirm' }) {
            $documented.ContainsKey($name) | Should -BeTrue -Because "-$name must be in the help"
            $documented[$name].Length | Should -BeGreaterThan 10 -Because "-$name needs a description"
        }
    }

    It 'shows the parameter sets as PowerShell binds them' {
        @($script:Help.Syntax.SyntaxItem).Count | Should -Be $script:Command.ParameterSets.Count
    }

    It 'has at least two examples, each with code that parses and a description' {
        $examples = @($script:Help.Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.Code | Should -Not -BeNullOrEmpty
            $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseInput($example.Code, [ref] $null, [ref] $errors)
            $errors | Should -BeNullOrEmpty -Because "example '$($example.Title)' must parse"
            ($example.Remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'uses itself in at least two examples' {
        @($script:Help.Examples.Example | Where-Object { $_.Code -match [regex]::Escape($Name) }).Count | Should -BeGreaterOrEqual 2
    }

    It 'names its inputs, outputs and related links' {
        $script:Help.ReturnValues.ReturnValue.Type.Name | Should -Contain ($script:Command.OutputType[0].Name)
        $script:Help.RelatedLinks.NavigationLink.LinkText | Should -Contain 'about_RSerPoolPU'
    }

    It 'shows real examples with Get-Help -Examples' {
        $text = Get-Help $Name -Examples | Out-String
        $text | Should -Match 'Example 1'
        $text | Should -Match 'Example 2'
    }
}
