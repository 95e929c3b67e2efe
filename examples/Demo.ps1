#Requires -Version 7.4
<#
.SYNOPSIS
    A short, scripted RSerPool session: resolve a pool, select an element, connect, send, kill the
    serving element and watch the session fail over to another one.

.DESCRIPTION
    This is what `./build.ps1 -Task Demo` runs in the SCTP lab, against Debian's rsplib: a registrar
    and two echo pool elements ($0000e0a1 and $0000e0a2) in the pool EchoPool. Read it top to bottom:
    each step is one or two cmdlet calls, and the rest only prints what happens.

    Run it yourself against any rsplib pool of echo elements (rspserver -echo) and a way to kill one:

        ./examples/Demo.ps1 -Registrar 127.0.0.1:3863 -PoolHandle EchoPool -KillCommand 'pkill -KILL -f "rspserver.*-identifier=$1"'

    It ends with "Demo finished: failover from $X to $Y worked." and exit code 0, or with
    "Demo FAILED: ..." and exit code 1.

.PARAMETER Registrar
    The registrar to ask, as address:port. Default: $env:RSERPOOL_REGISTRARS, else 127.0.0.1:3863.

.PARAMETER PoolHandle
    The pool of echo elements (at least two). Default: EchoPool.

.PARAMETER KillCommand
    A bash command that kills one pool element abruptly (SIGKILL: no goodbye, no deregistration).
    It gets the element's identifier as $1, in hex as rsplib's -identifier= takes it (0x0000e0a1).
    Default: $env:RSERPOOL_DEMO_KILL. Without one, the demo asks you to kill the element yourself
    (interactive sessions only).

.PARAMETER ModulePath
    The module to import. Default: out/RSerPoolPU/RSerPoolPU.psd1 of this checkout (build.ps1 -Task Build).
#>
[CmdletBinding()]
param(
    [string] $Registrar = $(if ($env:RSERPOOL_REGISTRARS) { $env:RSERPOOL_REGISTRARS } else { '127.0.0.1:3863' }),
    [string] $PoolHandle = 'EchoPool',
    [string] $KillCommand = $env:RSERPOOL_DEMO_KILL,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/RSerPoolPU/RSerPoolPU.psd1')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# --- Helpers that only print ---------------------------------------------------------------------
function Write-Section([string] $Title) {
    Write-Host ''
    Write-Host $Title
    Write-Host ('-' * $Title.Length)
}
function Write-Note([string] $Text) { Write-Host "  $Text" }
# Prints a Format-Table or Format-List right away (between the headings, not whenever PowerShell
# gets round to formatting the script's output), indented, and 120 columns wide even when the
# output goes to a pipe or a log, which have no width of their own (PowerShell would assume 80).
function Show-Formatted {
    $text = ($input | Out-String -Width 118).Trim("`r", "`n")
    Write-Host ''
    foreach ($line in $text -split '\r?\n') { Write-Host ("  $line".TrimEnd()) }
}
function Stop-Demo([string] $Reason) {
    Write-Host ''
    Write-Host "Demo FAILED: $Reason"
    Get-PoolSession -ErrorAction SilentlyContinue | Disconnect-PoolElement -ErrorAction SilentlyContinue
    exit 1
}
# Any error that stops a cmdlet ends the demo the same way.
trap { Stop-Demo $(if ($_.InvocationInfo.MyCommand) { "$($_.InvocationInfo.MyCommand): $_" } else { "$_" }) }

# --- 0. Load the module and say which registrar to use ----------------------------------------------
Import-Module $ModulePath
# Every *-Pool* cmdlet below asks this registrar (RSERPOOL_REGISTRARS or a config file would do too).
$PSDefaultParameterValues['*-Pool*:Registrar'] = $Registrar

Write-Host "RSerPoolPU demo: pool user of pool '$PoolHandle', registrar $Registrar"

# --- 1. Resolve: the registrar tells us which elements serve the pool --------------------------------
Write-Section "1. Resolve-PoolHandle $PoolHandle  (ask the registrar for the pool's elements)"
$elements = @(Resolve-PoolHandle $PoolHandle -Refresh)
$elements | Format-Table | Show-Formatted
if ($elements.Count -lt 2) { Stop-Demo "$PoolHandle has $($elements.Count) element(s); the failover needs two." }

# --- 2. Select: pick one by the pool's policy (from the cache, no network) ---------------------------
Write-Section '2. Select-PoolElement  (pick one element by the pool''s policy, from the cache)'
$selected = $elements | Select-PoolElement
$selected | Format-Table | Show-Formatted

# --- 3. Connect: an SCTP association to that element, with a failover hook ---------------------------
Write-Section "3. Connect-PoolElement  (open a session with $($selected.IdentifierText))"
# -OnFailover runs on the new element after a failover, before the request is resent: the place to
# log in again or restore state. Here it only says that it ran.
$session = $selected | Connect-PoolElement -OnFailover {
    param($Session)
    Write-Host "  (-OnFailover: the session now talks to $($Session.CurrentElement.IdentifierText))"
}
$session | Format-Table | Show-Formatted

# --- 4. Send: the echo element answers ----------------------------------------------------------------
Write-Section "4. Send-PoolRequest 'hello'  (the echo element sends it back)"
$first = Send-PoolRequest -Session $session -Message 'hello'
$first | Format-Table | Show-Formatted
$before = $first.Element
Write-Note "'$($first.Text)' came back from $($before.IdentifierText) in $($first.RoundTripMs) ms."

# --- 5. Kill the element that served us ----------------------------------------------------------------
Write-Section "5. Kill $($before.IdentifierText)  (SIGKILL its rspserver: no goodbye, no deregistration)"
$id = '0x{0:x8}' -f $before.Identifier
if ($KillCommand) {
    Write-Note "Running the kill command with `$1 = ${id}: $KillCommand"
    & bash -c $KillCommand 'kill-command' $id | Out-Host
    if ($LASTEXITCODE -ne 0) { Stop-Demo "the kill command failed with exit code $LASTEXITCODE." }
}
elseif ([Environment]::UserInteractive -and -not [Console]::IsInputRedirected) {
    $null = Read-Host "  Kill element $($before.IdentifierText) now (identifier $id), then press Enter"
}
else {
    Stop-Demo 'no -KillCommand (or RSERPOOL_DEMO_KILL) to kill an element with.'
}
Write-Note "$($before.IdentifierText) is gone. The session does not know yet."

# --- 6. Send again: the session notices, reports the dead element and fails over --------------------
Write-Section "6. Send-PoolRequest 'hello again' -Idempotent  (the session fails over and resends)"
# -Idempotent: the request may safely be sent twice, so the session resends it on the new element
# even if the old one might have seen it.
$second = Send-PoolRequest -Session $session -Message 'hello again' -Idempotent -TimeoutSec 30
$second | Format-Table | Show-Formatted
$after = $second.Element
Write-Note "'$($second.Text)' came back from $($after.IdentifierText) in $($second.RoundTripMs) ms, FailedOver = $($second.FailedOver)."
if (-not $second.FailedOver -or $after.Identifier -eq $before.Identifier -or $session.FailoverCount -lt 1) {
    Stop-Demo "no failover: the second answer came from $($after.IdentifierText) (FailedOver = $($second.FailedOver), FailoverCount = $($session.FailoverCount))."
}

# --- 7. The session after the failover ------------------------------------------------------------------
Write-Section '7. The session  (current element, failover count, last error)'
$session | Format-List | Show-Formatted

# --- 8. The registrar drops the dead element --------------------------------------------------------------
Write-Section "8. Resolve-PoolHandle $PoolHandle -Refresh  (the dead element is gone from the pool)"
# The session reported it (ASAP ENDPOINT_UNREACHABLE), and the registrar's keep-alives notice it too.
# Wait for that rather than sleeping a fixed time.
$deadline = [DateTime]::UtcNow.AddSeconds(30)
do {
    $remaining = @(Resolve-PoolHandle $PoolHandle -Refresh)
    $dropped = -not ($remaining | Where-Object Identifier -EQ $before.Identifier)
    if (-not $dropped) { Start-Sleep -Milliseconds 500 }
} until ($dropped -or [DateTime]::UtcNow -gt $deadline)
$remaining | Format-Table | Show-Formatted
if ($dropped) { Write-Note "The registrar no longer lists $($before.IdentifierText)." }
else { Write-Note "The registrar still lists $($before.IdentifierText) after 30 s (its keep-alives will drop it)." }

# --- 9. Disconnect ---------------------------------------------------------------------------------------
Write-Section '9. Disconnect-PoolElement'
Disconnect-PoolElement $session
Write-Note "Session state: $($session.State)."

Write-Host ''
Write-Host "Demo finished: failover from $($before.IdentifierText) to $($after.IdentifierText) worked."
exit 0
