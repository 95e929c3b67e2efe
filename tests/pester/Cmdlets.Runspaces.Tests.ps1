#Requires -Version 7.4
# Ctrl+C, progress and the ILogger bridge on a blocked call, and per-runspace state under
# ForEach-Object -Parallel and hosted runspaces. The blocked call is a server hunt that waits for
# registrar announces (-Discover with no registrar configured): it needs neither SCTP nor a registrar.
BeforeAll {
    $script:Manifest = (Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1' | Resolve-Path).Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    $script:SavedRegistrars = $env:RSERPOOL_REGISTRARS
    $script:SavedXdg = $env:XDG_CONFIG_HOME
    Remove-Item Env:RSERPOOL_REGISTRARS -ErrorAction SilentlyContinue
    $env:XDG_CONFIG_HOME = Join-Path ([IO.Path]::GetTempPath()) ('rsp-xdg-' + [guid]::NewGuid().ToString('N'))

    # Starts a command in its own runspace and waits until it is blocked in the core.
    # (Blocked = its first verbose line arrived, or -WaitSeconds passed when its verbose output does not reach this runspace.)
    function script:Start-Blocked([string] $Command, [double] $WaitSeconds = 0) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$script:Manifest'; $Command")
        $handle = $ps.BeginInvoke()
        if ($WaitSeconds) { Start-Sleep -Seconds $WaitSeconds }
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (-not $WaitSeconds -and $ps.Streams.Verbose.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline -and -not $handle.IsCompleted) { Start-Sleep -Milliseconds 50 }
        [pscustomobject]@{ PowerShell = $ps; Handle = $handle }
    }

    function script:Get-AnnounceSocketCount {
        # UDP sockets bound to port 3863 (0x0F17), the registrar announce port.
        @(Get-Content /proc/net/udp, /proc/net/udp6 -ErrorAction SilentlyContinue | Where-Object { $_ -match '^\s*\d+: [0-9A-F]+:0F17 ' }).Count
    }
}

AfterAll {
    if ($null -ne $script:SavedRegistrars) { $env:RSERPOOL_REGISTRARS = $script:SavedRegistrars }
    if ($null -ne $script:SavedXdg) { $env:XDG_CONFIG_HOME = $script:SavedXdg } else { Remove-Item Env:XDG_CONFIG_HOME -ErrorAction SilentlyContinue }
}

Describe 'Ctrl+C and streams under a blocked call' {
    It 'stops a blocked Resolve-PoolHandle within a second' {
        $run = Start-Blocked 'Resolve-PoolHandle EchoPool -Discover -Verbose'
        try {
            $run.Handle.IsCompleted | Should -BeFalse -Because 'the server hunt waits for announces'
            Start-Sleep -Milliseconds 300
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $run.PowerShell.Stop()
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 1
            $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $run.PowerShell.Dispose() }
    }

    It 'writes the core''s log lines as they happen, before the call ends' {
        $run = Start-Blocked 'Resolve-PoolHandle EchoPool -Discover -Verbose'
        try {
            $run.Handle.IsCompleted | Should -BeFalse
            @($run.PowerShell.Streams.Verbose.Message) -match 'No registrar known yet' | Should -Not -BeNullOrEmpty
        }
        finally { $run.PowerShell.Stop(); $run.PowerShell.Dispose() }
    }

    It 'shows progress when a wait takes more than a second' {
        $run = Start-Blocked 'Resolve-PoolHandle EchoPool -Discover -Verbose'
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ($run.PowerShell.Streams.Progress.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $progress = $run.PowerShell.Streams.Progress | Select-Object -First 1
            $progress.Activity | Should -Be 'Resolve-PoolHandle'
            $progress.StatusDescription | Should -Match "Resolving 'EchoPool'"
        }
        finally { $run.PowerShell.Stop(); $run.PowerShell.Dispose() }
    }

    It 'stops a blocked command inside ForEach-Object -Parallel' {
        $run = Start-Blocked "1..2 | ForEach-Object -Parallel { Import-Module '$script:Manifest'; Resolve-PoolHandle `"Pool`$_`" -Discover } -ThrottleLimit 2" -WaitSeconds 1.5
        try {
            $run.Handle.IsCompleted | Should -BeFalse
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $run.PowerShell.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 2
        }
        finally { $run.PowerShell.Dispose() }
    }
}

Describe 'Per-runspace state' {
    It 'selects from 100 pools in parallel, each runspace with its own state' {
        $results = 1..100 | ForEach-Object -ThrottleLimit 16 -Parallel {
            Import-Module $using:Manifest
            $pool = "ParallelPool$_"
            $transport = [RSerPool.Wire.Parameters.SctpTransportParameter]::new(7000, [ipaddress[]] @('10.0.0.1'), 'DataOnly')
            $elements = 1..3 | ForEach-Object {
                [RSerPool.PoolElement]::new([RSerPool.PoolHandle]::FromText($pool), $_, $transport, [RSerPool.Wire.Parameters.PoolPolicyParameter]::RoundRobin(), 0, 5000)
            }
            $picks = 1..3 | ForEach-Object { ($elements | Select-PoolElement).Identifier }
            $line = "Resolve-PoolHandle ParallelPool"
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            [pscustomobject]@{ Pool = $pool; Picks = $picks -join ','; Completions = @($completions) }
        }
        @($results).Count | Should -Be 100
        foreach ($r in $results) {
            $r.Picks | Should -Be '1,2,3' -Because "round robin over $($r.Pool) starts fresh and rotates in its own runspace"
            $r.Completions | Should -Contain $r.Pool
        }
    }

    It 'keeps registrar selections of parallel runspaces apart' {
        $results = 1..50 | ForEach-Object -ThrottleLimit 10 -UseNewRunspace -Parallel {
            Import-Module $using:Manifest
            $registrar = "127.0.1.$($_):3863"
            $PSDefaultParameterValues['Get-PoolRegistrar:Registrar'] = $registrar
            [pscustomobject]@{ Expected = $registrar; Actual = (Get-PoolRegistrar).Address.ToString() }
        }
        foreach ($r in $results) { $r.Actual | Should -Be $r.Expected }
    }

    It 'does not share seen pool handles between runspaces' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript(@"
Import-Module '$script:Manifest'
`$t = [RSerPool.Wire.Parameters.SctpTransportParameter]::new(7000, [ipaddress[]] @('10.0.0.1'), 'DataOnly')
[RSerPool.PoolElement]::new([RSerPool.PoolHandle]::FromText('OnlyInOtherRunspace'), 1, `$t, [RSerPool.Wire.Parameters.PoolPolicyParameter]::RoundRobin(), 0, 5000) | Select-PoolElement | Out-Null
"@)
            $null = $ps.Invoke()
        }
        finally { $ps.Dispose() }
        $line = 'Resolve-PoolHandle OnlyInOther'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Should -BeNullOrEmpty
    }

    It 'closes a runspace''s pool users (and their sockets) when the runspace closes' {
        $before = Get-AnnounceSocketCount
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript("Import-Module '$script:Manifest'; Get-PoolRegistrar -Discover").Invoke()
        $during = Get-AnnounceSocketCount
        if ($during -eq $before) {
            $ps.Dispose(); $runspace.Dispose()
            Set-ItResult -Skipped -Because 'this host could not join the announce groups, so there is no socket to watch'
            return
        }
        $runspace.Close()
        $ps.Dispose()
        $runspace.Dispose()
        Get-AnnounceSocketCount | Should -Be $before
    }

    It 'closes the current runspace''s pool users when the module is removed' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        try {
            $before = Get-AnnounceSocketCount
            $null = $ps.AddScript("Import-Module '$script:Manifest'; Get-PoolRegistrar -Discover").Invoke()
            $during = Get-AnnounceSocketCount
            if ($during -eq $before) { Set-ItResult -Skipped -Because 'no announce socket to watch on this host'; return }
            $ps.Commands.Clear()
            $null = $ps.AddScript('Remove-Module RSerPoolPU').Invoke()
            Get-AnnounceSocketCount | Should -Be $before
        }
        finally { $ps.Dispose(); $runspace.Dispose() }
    }
}
