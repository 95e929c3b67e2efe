# Helpers shared by the Lab Pester files, dot-sourced in their BeforeAll: each file starts its own
# rsplib pools with tests/lab/pool.sh in its own state folder, so the suite's EchoPool (started by
# build/lab-suites.sh in another one) stays intact.
# Environment: RSERPOOL_REGISTRARS points to a live rsplib registrar. Optional: RSERPOOL_LAB_PE_ADDRESS,
# the address rsplib elements bind (default 10.255.255.1, the lab guest's dummy interface: rsplib
# elements refuse to register with loopback only).
$script:PoolScript = (Join-Path $PSScriptRoot '../lab/pool.sh' | Resolve-Path).Path

# Reads the environment and picks this file's state folder (under a name starting with $StatePrefix).
function script:Initialize-LabPool([string] $StatePrefix) {
    if (-not $env:RSERPOOL_REGISTRARS) { throw 'The Lab tests need RSERPOOL_REGISTRARS pointing to a live rsplib registrar with EchoPool.' }
    $script:Registrar = @($env:RSERPOOL_REGISTRARS -split '[;\s]+' | Where-Object { $_ })[0]
    $script:PeAddress = if ($env:RSERPOOL_LAB_PE_ADDRESS) { $env:RSERPOOL_LAB_PE_ADDRESS } else { '10.255.255.1' }
    $script:LabState = Join-Path ([IO.Path]::GetTempPath()) ($StatePrefix + [guid]::NewGuid().ToString('N').Substring(0, 8))
    # Clear of the xunit lab tests' element ports (7001-7702).
    $script:NextPort = 8000 + (Get-Random -Maximum 300)
}

# pool.sh with this file's own state folder.
function script:Invoke-PoolScript {
    $saved = $env:LAB_STATE
    $env:LAB_STATE = $script:LabState
    try {
        $output = & bash $script:PoolScript @args 2>&1
        if ($LASTEXITCODE -ne 0) { throw "pool.sh $($args -join ' ') failed ($LASTEXITCODE): $($output -join "`n")" }
        $output
    }
    finally { $env:LAB_STATE = $saved }
}

# Starts rsplib elements of a new pool and waits until the registrar lists all of them. Returns a map
# identifier -> process name for pool.sh kill/freeze; $NameFormat gets the pool as {0} and the identifier as {1}.
# $Expect: how many elements the pool has once these are up (more than $Identifiers when it already had some).
function script:Start-LabPool([string] $Pool, [string] $Kind, [uint32[]] $Identifiers, [string] $NameFormat = '{0}-{1:x}', [int] $Expect = $Identifiers.Count) {
    $names = @{}
    foreach ($id in $Identifiers) {
        $name = $NameFormat -f $Pool, $id
        $port = $script:NextPort++
        Invoke-PoolScript start-pe $name --kind $Kind --pool $Pool --id ('0x{0:x8}' -f $id) --registrar $script:Registrar --local "$($script:PeAddress):$port" | Out-Null
        $names[$id] = $name
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while (@(Resolve-PoolHandle $Pool -Refresh -ErrorAction SilentlyContinue).Count -ne $Expect) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "$Pool did not get $Expect registered elements in time:`n$(Invoke-PoolScript logs)" }
        Start-Sleep -Milliseconds 500
    }
    $names
}

# Waits (at most 60 s) until the session's standby association has opened (it opens in the background).
function script:Wait-Standby($Session) {
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not $Session.StandbyElement -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
}

function script:New-PoolName([string] $Prefix) { $Prefix + [guid]::NewGuid().ToString('N').Substring(0, 6) }

# Stops every element this file started (AfterAll).
function script:Stop-LabPool {
    if ($script:LabState -and (Test-Path $script:LabState)) {
        try { Invoke-PoolScript stop-all | Out-Null } catch { Write-Warning $_ }
    }
}
