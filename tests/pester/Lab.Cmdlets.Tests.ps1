#Requires -Version 7.4
# The cmdlets against rsplib in the SCTP lab (tag 'Lab'; excluded on hosts without SCTP).
# Environment: RSERPOOL_REGISTRARS points to a live rsplib registrar whose handlespace has EchoPool
# with two echo elements. Tests that kill or freeze elements start their own pools with
# tests/lab/pool.sh (own LAB_STATE; helpers in LabPool.ps1), so EchoPool stays intact for the other suites.
BeforeAll {
    . (Join-Path $PSScriptRoot 'LabPool.ps1')
    Initialize-LabPool -StatePrefix 'lab-pester-'
    $script:Manifest = (Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1' | Resolve-Path).Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
}

AfterAll { Stop-LabPool }

Describe 'Lab: resolving and selecting' -Tag 'Lab' {
    It 'resolves EchoPool to its two elements with every field' {
        $elements = @(Resolve-PoolHandle EchoPool -Refresh)
        $elements.Count | Should -Be 2
        foreach ($e in $elements) {
            $e.PoolHandle.ToString() | Should -Be 'EchoPool'
            $e.IdentifierText | Should -Match '^\$[0-9a-f]{8}$'
            $e.TransportName | Should -Be 'SCTP'
            $e.EndPoints.Count | Should -BeGreaterThan 0
            $e.EndPoints[0].Port | Should -BeGreaterThan 0
            $e.PolicyName | Should -Not -BeNullOrEmpty
            $e.RegistrationLife | Should -BeGreaterThan 0
            $e.ResolvedBy | Should -Not -BeNullOrEmpty
            $e.ResolvedAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(-5))
        }
        (Get-PoolRegistrar | Where-Object IsHome) | Should -Not -BeNullOrEmpty
    }

    It 'asks for at most -MaxElements elements' {
        @(Resolve-PoolHandle EchoPool -MaxElements 1 -Refresh).Count | Should -Be 1
    }

    It 'writes PoolHandleNotFound for an unknown pool and goes on with the next handle' {
        $unknown = New-PoolName 'NoSuchPool'
        $out = @($unknown, 'EchoPool' | Resolve-PoolHandle -ErrorAction SilentlyContinue -ErrorVariable failures)
        $out.Count | Should -Be 2
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'PoolHandleNotFound,RSerPool.PowerShell.Commands.ResolvePoolHandleCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be $unknown
    }

    It 'stops with NoRegistrarReachable when no registrar answers' {
        $failure = try { Resolve-PoolHandle EchoPool -Registrar 127.0.0.1:1 -Refresh; $null } catch { $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'NoRegistrarReachable,RSerPool.PowerShell.Commands.ResolvePoolHandleCommand'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'Registrar'
    }

    It 'selects by the pool''s policy from the cache' {
        $picks = 1..4 | ForEach-Object { (Select-PoolElement EchoPool -Policy RoundRobin).Identifier }
        @($picks | Sort-Object -Unique).Count | Should -Be 2
    }

    It 'writes protocol detail with -Debug' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:Manifest'; Resolve-PoolHandle EchoPool -Refresh -Debug -Verbose")
            $null = $ps.Invoke()
            @($ps.Streams.Debug.Message) -match 'ASAP_HANDLE_RESOLUTION' | Should -Not -BeNullOrEmpty
            @($ps.Streams.Verbose.Message) -match "Resolved 'EchoPool'" | Should -Not -BeNullOrEmpty
        }
        finally { $ps.Dispose() }
    }
}

Describe 'Lab: sessions and requests' -Tag 'Lab' {
    It 'runs the whole pipeline: resolve, select, connect, send' {
        $reply = Resolve-PoolHandle EchoPool | Select-PoolElement | Connect-PoolElement | Send-PoolRequest 'hi'
        $reply | Should -BeOfType ([RSerPool.Sessions.SessionReply])
        $reply.Text | Should -Be 'hi'
        $reply.FailedOver | Should -BeFalse
        $reply.RoundTrip | Should -BeGreaterThan ([timespan]::Zero)
        Get-PoolSession | Disconnect-PoolElement
    }

    It 'checks every element of a pool' {
        $results = Resolve-PoolHandle EchoPool | ForEach-Object {
            $reply = Send-PoolRequest -PoolElement $_ -Message "ping $($_.IdentifierText)" -TimeoutSec 10
            [pscustomobject]@{ Id = $_.IdentifierText; Answered = $reply.Element.IdentifierText; Text = $reply.Text }
        }
        @($results).Count | Should -Be 2
        foreach ($r in $results) {
            $r.Answered | Should -Be $r.Id
            $r.Text | Should -Be "ping $($r.Id)"
        }
    }

    It 'sends bytes with a PPID and an encoding' {
        $session = Connect-PoolElement EchoPool
        try {
            $bytes = Send-PoolRequest -Session $session -Message ([byte[]] (0, 1, 2, 255)) -Ppid 42
            $bytes.Data | Should -Be @(0, 1, 2, 255)
            (Send-PoolRequest -Session $session -Message 'grüß' -Encoding latin1).Text | Should -Be 'grüß'
        }
        finally { Disconnect-PoolElement $session }
        $session.State | Should -Be 'Closed'
    }

    It 'writes the session object with pool handle, element, state, failovers, cookie and last error' {
        $session = Connect-PoolElement EchoPool
        try {
            $session.PoolHandle.ToString() | Should -Be 'EchoPool'
            $session.CurrentElement | Should -BeOfType ([RSerPool.PoolElement])
            $session.State | Should -Be 'Connected'
            $session.FailoverCount | Should -Be 0
            $session.HasCookie | Should -BeOfType ([bool])
            $session.PSObject.Properties.Name | Should -Contain 'LastError'
            (Get-PoolSession) | Should -Contain $session
            ($session | Format-Table | Out-String -Width 200) | Should -Match 'Connected'
        }
        finally { Disconnect-PoolElement $session }
        Get-PoolSession | Should -Not -Contain $session
    }

    It 'closes the sessions of a runspace when it closes' {
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $session = $ps.AddScript("Import-Module '$script:Manifest'; Connect-PoolElement EchoPool").Invoke()[0]
        $session.State | Should -Be 'Connected'
        $runspace.Close()
        $ps.Dispose(); $runspace.Dispose()
        $session.State | Should -Be 'Closed'
    }

    It 'fails over by itself when its element dies, runs -OnFailover first and resends' {
        $pool = New-PoolName 'LabFailover'
        $names = Start-LabPool -Pool $pool -Kind echo -Identifiers 0xf001, 0xf002
        $log = [System.Collections.Generic.List[string]]::new()
        $session = Connect-PoolElement $pool -OnFailover {
            param($Session)
            $log.Add('failover to ' + $Session.CurrentElement.IdentifierText)
            $log.Add((Send-PoolRequest -Session $Session -Message 'login' -ErrorAction Stop).Text)
        }.GetNewClosure()
        try {
            (Send-PoolRequest -Session $session 'before').Text | Should -Be 'before'
            $first = $session.CurrentElement.Identifier
            Invoke-PoolScript kill $names[$first] | Out-Null

            $reply = Send-PoolRequest -Session $session 'after' -Idempotent -TimeoutSec 20
            $reply.Text | Should -Be 'after'
            $reply.FailedOver | Should -BeTrue
            $reply.Element.Identifier | Should -Not -Be $first
            $session.FailoverCount | Should -Be 1
            $session.CurrentElement.Identifier | Should -Be $reply.Element.Identifier
            $log | Should -Be @("failover to $($reply.Element.IdentifierText)", 'login')
        }
        finally { Disconnect-PoolElement $session }
    }

    It 'keeps a standby association with -Standby and fails over to that element' {
        $pool = New-PoolName 'LabStandby'
        $names = Start-LabPool -Pool $pool -Kind echo -Identifiers 0xf101, 0xf102
        $session = Connect-PoolElement $pool -Standby
        try {
            Wait-Standby $session
            $session.StandbyElement | Should -Not -BeNullOrEmpty
            $standby = $session.StandbyElement.Identifier
            $first = $session.CurrentElement.Identifier
            $standby | Should -Not -Be $first
            ($session | Format-List | Out-String) | Should -Match 'StandbyElement'
            Invoke-PoolScript kill $names[$first] | Out-Null

            $reply = Send-PoolRequest -Session $session 'after' -Idempotent -TimeoutSec 20
            $reply.Text | Should -Be 'after'
            $reply.FailedOver | Should -BeTrue
            $reply.Element.Identifier | Should -Be $standby
            $session.FailoverCount | Should -Be 1
        }
        finally { Disconnect-PoolElement $session }
    }

    It 'hedges to the standby when the element does not answer (-HedgeAfterSec) and moves the session there' {
        $pool = New-PoolName 'LabHedge'
        $null = Start-LabPool -Pool $pool -Kind discard -Identifiers 0xe101   # alive, never answers
        $null = Start-LabPool -Pool $pool -Kind echo -Identifiers 0xe102 -Expect 2
        $silent = Resolve-PoolHandle $pool -Refresh | Where-Object Identifier -EQ 0xe101
        $session = $silent | Connect-PoolElement -Standby
        try {
            Wait-Standby $session
            $session.StandbyElement.Identifier | Should -Be 0xe102

            $reply = Send-PoolRequest -Session $session 'hedged' -Idempotent -HedgeAfterSec 0.2 -TimeoutSec 30
            $reply.Text | Should -Be 'hedged'
            $reply.Hedged | Should -BeTrue
            $reply.Element.Identifier | Should -Be 0xe102
            $session.CurrentElement.Identifier | Should -Be 0xe102
            $session.StandbyElement.Identifier | Should -Be 0xe101   # slow, not dead: kept as the standby
            $session.HedgeCount | Should -Be 1
            ($session | Format-List | Out-String) | Should -Match 'HedgeCount\s*:\s*1'

            # The discard element still owes its answer: no hedge to it, the echo element answers.
            $next = Send-PoolRequest -Session $session 'next' -Idempotent -HedgeAfterSec 0.2 -TimeoutSec 30
            $next.Text | Should -Be 'next'
            $next.Hedged | Should -BeFalse
            @(Resolve-PoolHandle $pool -Refresh).Count | Should -Be 2   # nothing was reported
        }
        finally { Disconnect-PoolElement $session }
    }

    It 'hedges adaptively (-AdaptiveHedge) and measures the round trips it hedges after' {
        $pool = New-PoolName 'LabAdaptive'
        $null = Start-LabPool -Pool $pool -Kind discard -Identifiers 0xe111   # alive, never answers
        $null = Start-LabPool -Pool $pool -Kind echo -Identifiers 0xe112 -Expect 2
        $silent = Resolve-PoolHandle $pool -Refresh | Where-Object Identifier -EQ 0xe111
        $session = $silent | Connect-PoolElement -Standby
        try {
            Wait-Standby $session
            # Nothing measured yet: the hedge leaves after -HedgeAfterSec, and the standby answers it.
            $reply = Send-PoolRequest -Session $session 'first' -Idempotent -AdaptiveHedge -HedgeAfterSec 0.2 -TimeoutSec 30
            $reply.Hedged | Should -BeTrue
            $reply.Element.Identifier | Should -Be 0xe112
            # The silent element's round trip counts with the time until the standby answered (a lower bound).
            $session.RoundTripTime | Should -BeGreaterOrEqual ([timespan]::FromSeconds(0.2))

            $replies = 1..5 | ForEach-Object { Send-PoolRequest -Session $session "r$_" -Idempotent -AdaptiveHedge -TimeoutSec 30 }
            $replies.Text | Should -Be @('r1', 'r2', 'r3', 'r4', 'r5')
            $replies.Element.Identifier | Sort-Object -Unique | Should -Be 0xe112
            # The median of six: the five echo round trips outnumber the hedged one.
            $session.RoundTripTime | Should -BeLessOrEqual ($replies.RoundTrip | Sort-Object | Select-Object -Last 1)
            $session.RoundTripTime | Should -BeLessThan $reply.RoundTrip
            ($session | Format-List | Out-String) | Should -Match 'RoundTripMs\s*:\s*\d'
        }
        finally { Disconnect-PoolElement $session }
    }

    It 'writes Timeout when the element does not answer' {
        $pool = New-PoolName 'LabDiscard'
        $null = Start-LabPool -Pool $pool -Kind discard -Identifiers 0xd001
        $session = Connect-PoolElement $pool -NoFailover
        try {
            $out = Send-PoolRequest -Session $session 'anyone?' -TimeoutSec 1 -ErrorAction SilentlyContinue -ErrorVariable failures
            $out | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -Be 'Timeout,RSerPool.PowerShell.Commands.SendPoolRequestCommand'
            $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $failures[0].TargetObject | Should -Be $session
        }
        finally { Disconnect-PoolElement $session }
    }

    It 'stops a request blocked on a silent element within seconds, not at its timeout (Ctrl+C)' {
        $pool = New-PoolName 'LabSilent'
        $null = Start-LabPool -Pool $pool -Kind discard -Identifiers 0xd101
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$script:Manifest'; `$s = Connect-PoolElement $pool -NoFailover; Send-PoolRequest -Session `$s 'wait' -TimeoutSec 120 -Verbose")
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (@($ps.Streams.Verbose.Message) -match '^Sending') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            @($ps.Streams.Verbose.Message) -match '^Sending' | Should -Not -BeNullOrEmpty
            Start-Sleep -Milliseconds 500
            $handle.IsCompleted | Should -BeFalse
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            # Typically well under a second (the output shows it); the bound only allows for the
            # emulated guest's hiccups while still far from the request's 120 s timeout.
            Write-Host "    Stop() took $([int]$clock.Elapsed.TotalMilliseconds) ms"
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $ps.Dispose() }
    }

    It 'reports an element as unreachable, with -WhatIf first' {
        $pool = New-PoolName 'LabReport'
        $null = Start-LabPool -Pool $pool -Kind echo -Identifiers 0xe101
        $element = Resolve-PoolHandle $pool
        $element | Register-PoolElementFailure -WhatIf
        $element | Register-PoolElementFailure -Confirm:$false -PassThru -WarningAction SilentlyContinue | Should -Be $element
    }
}

Describe 'Lab: parallel runbooks' -Tag 'Lab' {
    It 'resolves and checks EchoPool from 100 parallel iterations' {
        $results = 1..100 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:Manifest
            $elements = @(Resolve-PoolHandle EchoPool)
            $answers = if ($_ % 10 -eq 0) {
                @($elements | ForEach-Object { (Send-PoolRequest -PoolElement $_ -Message "p$($_.Identifier)" -TimeoutSec 30).Text })
            }
            [pscustomobject]@{ Elements = $elements.Count; Answers = @($answers).Count }
        }
        @($results).Count | Should -Be 100
        $results.Elements | Should -Not -Contain 0
        ($results | Measure-Object Answers -Sum).Sum | Should -Be 20
    }
}
