#Requires -Version 7.4
# examples/Demo.ps1, the script behind the README's first command (build.ps1 -Task Demo), against
# rsplib in the SCTP lab (tag 'Lab'). It runs as a newcomer runs it: in its own pwsh process, here
# against its own pool (two echo elements started with tests/lab/pool.sh and an own LAB_STATE),
# killing one of them through its -KillCommand hook. The suite's EchoPool is never killed.
# Environment as Lab.Cmdlets.Tests.ps1: RSERPOOL_REGISTRARS points to a live rsplib registrar.
BeforeAll {
    . (Join-Path $PSScriptRoot 'LabPool.ps1')
    Initialize-LabPool -StatePrefix 'lab-demo-'
    $script:Manifest = (Join-Path $PSScriptRoot '../../out/RSerPoolPU/RSerPoolPU.psd1' | Resolve-Path).Path
    $script:Demo = (Join-Path $PSScriptRoot '../../examples/Demo.ps1' | Resolve-Path).Path
    Import-Module $script:Manifest -Force -ErrorAction Stop
    $script:Pwsh = if ($env:RSERPOOL_PWSH) { $env:RSERPOOL_PWSH } else { Join-Path $PSHOME 'pwsh' }

    # Runs examples/Demo.ps1 as a newcomer does, in a new pwsh; returns its exit code and everything it printed.
    function script:Invoke-Demo([string] $PoolHandle, [string] $KillCommand) {
        $saved = $env:LAB_STATE
        $env:LAB_STATE = $script:LabState
        try {
            $output = & $script:Pwsh -NoProfile -NonInteractive -File $script:Demo -Registrar $script:Registrar `
                -PoolHandle $PoolHandle -KillCommand $KillCommand 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($output | ForEach-Object { "$_" }) -join "`n" }
        }
        finally { $env:LAB_STATE = $saved }
    }

    # The same in a fresh runspace of this process (a new pwsh costs a minute or more in the micro-VM):
    # Write-Host goes to the information stream, which *>&1 collects; `exit N` sets $LASTEXITCODE.
    function script:Invoke-DemoInRunspace([string] $PoolHandle, [string] $KillCommand) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($Demo, $Arguments) & $Demo @Arguments *>&1 | ForEach-Object { "$_" }; "exit code $LASTEXITCODE"')
            $null = $ps.AddArgument($script:Demo).AddArgument(@{ Registrar = $script:Registrar; PoolHandle = $PoolHandle; KillCommand = $KillCommand })
            $output = @($ps.Invoke())
            $last = "$($output[-1])"
            [pscustomobject]@{
                ExitCode = if ($last -match '^exit code (-?\d+)$') { [int] $Matches[1] } else { $null }
                Text     = ($output | ForEach-Object { "$_" }) -join "`n"
            }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll { Stop-LabPool }

Describe 'Lab: the demo (examples/Demo.ps1)' -Tag 'Lab' {
    It 'shows a session failing over when its element is killed, and says so' {
        $pool = New-PoolName 'DemoPool'
        # Named demo-0x<id> as the kill hook below addresses them (Demo.ps1 passes the id as $1).
        $null = Start-LabPool -Pool $pool -Kind echo -Identifiers 0xd0e1, 0xd0e2 -NameFormat 'demo-0x{1:x8}'

        $run = Invoke-Demo -PoolHandle $pool -KillCommand "bash '$script:PoolScript' kill `"demo-`$1`""

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text -match 'Demo finished: failover from (\$[0-9a-f]{8}) to (\$[0-9a-f]{8}) worked\.' | Should -BeTrue -Because $run.Text
        $from, $to = $Matches[1], $Matches[2]
        $to | Should -Not -Be $from
        @($from, $to) | Sort-Object | Should -Be @('$0000d0e1', '$0000d0e2')
        # The first answer came from the element that was killed, the second from the other one.
        $run.Text | Should -Match ([regex]::Escape("'hello' came back from $from "))
        $run.Text | Should -Match ([regex]::Escape("'hello again' came back from $to ") + '.*FailedOver = True')
        $run.Text | Should -Match 'FailoverCount\s+:\s+1'
        # The cmdlets' own tables: the resolution listed both elements.
        $run.Text | Should -Match '\$0000d0e1\s+SCTP\s+'
        $run.Text | Should -Match '\$0000d0e2\s+SCTP\s+'
        # The kill hook really killed the element's rspserver.
        $pidFile = Join-Path $script:LabState "demo-0x$($from.Substring(1)).pid"
        Test-Path $pidFile | Should -BeFalse
    }

    It 'exits non-zero and says why when no failover happens' {
        # A kill command that kills nothing: the second answer comes from the same element.
        $run = Invoke-DemoInRunspace -PoolHandle EchoPool -KillCommand 'true'

        $run.ExitCode | Should -Be 1 -Because $run.Text
        $run.Text | Should -Match 'Demo FAILED: no failover'
        $run.Text | Should -Not -Match 'Demo finished'
    }
}
