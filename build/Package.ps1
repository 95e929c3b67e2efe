# Packaging for build.ps1 -Task Package: the staged module (out/RSerPoolPU) becomes a versioned folder
# out/package/RSerPoolPU/<ModuleVersion>/ and, through Publish-PSResource (PSResourceGet, shipped with
# pwsh 7.4+), a RSerPoolPU.<version>.nupkg in the local file repository out/package/repo, which
# Install-PSResource can install from. tests/pester/Package.Tests.ps1 runs the same functions.

function Get-ModulePackageInfo {
    # Reads what publishing needs from the staged manifest (a copy of RSerPoolPU.psd1) and fails early
    # with a plain message if a field Publish-PSResource insists on is missing.
    param([Parameter(Mandatory)] [string] $Manifest)
    if (-not (Test-Path -LiteralPath $Manifest)) {
        throw "No module manifest at ${Manifest}: run build.ps1 -Task Build first."
    }
    $data = Import-PowerShellDataFile -LiteralPath $Manifest
    foreach ($field in 'ModuleVersion', 'Author', 'Description') {
        if (-not $data.ContainsKey($field) -or [string]::IsNullOrWhiteSpace([string]$data[$field])) {
            throw "$Manifest has no $field; Publish-PSResource requires ModuleVersion, Author and Description."
        }
    }
    $version = [version] $data.ModuleVersion
    # The nupkg is named after the NuGet-normalised version: 1.2 -> 1.2.0, 1.2.3.0 -> 1.2.3.
    $nugetVersion = if ($version.Revision -gt 0) { $version.ToString(4) } else { '{0}.{1}.{2}' -f $version.Major, $version.Minor, [Math]::Max($version.Build, 0) }
    $psData = if ($data.ContainsKey('PrivateData') -and $data.PrivateData -is [hashtable]) { $data.PrivateData['PSData'] }
    if ($psData -is [hashtable] -and $psData['Prerelease']) { $nugetVersion += "-$($psData['Prerelease'])" }
    [pscustomobject]@{
        Name          = [IO.Path]::GetFileNameWithoutExtension($Manifest)
        ModuleVersion = [string] $data.ModuleVersion
        NuGetVersion  = $nugetVersion
    }
}

function New-ModulePackage {
    # Stages <OutputDir>/<Name>/<ModuleVersion>/ from the built module and publishes it into the file
    # repository <OutputDir>/repo; returns the .nupkg as a FileInfo. The repository is registered under
    # a unique temporary name only for the Publish-PSResource call and unregistered afterwards, also when
    # publishing fails. Idempotent: the version folder and any nupkg of the same version are replaced.
    param(
        [Parameter(Mandatory)] [string] $ModuleDir,
        [Parameter(Mandatory)] [string] $OutputDir,
        [string] $Name = 'RSerPoolPU'
    )
    $info = Get-ModulePackageInfo -Manifest (Join-Path $ModuleDir "$Name.psd1")
    $OutputDir = [IO.Path]::GetFullPath($OutputDir)

    $versionDir = Join-Path $OutputDir "$Name/$($info.ModuleVersion)"
    if (Test-Path -LiteralPath $versionDir) { Remove-Item -LiteralPath $versionDir -Recurse -Force }
    $null = New-Item -ItemType Directory -Force -Path $versionDir
    Copy-Item -Path (Join-Path $ModuleDir '*') -Destination $versionDir -Recurse

    $repoDir = Join-Path $OutputDir 'repo'
    $null = New-Item -ItemType Directory -Force -Path $repoDir
    $nupkg = Join-Path $repoDir "$Name.$($info.NuGetVersion).nupkg"
    # PSResourceGet 1.2 silently overwrites a nupkg of the same version in a file repository; removing it
    # first also makes sure a failed publish cannot leave an old package behind that looks like success.
    if (Test-Path -LiteralPath $nupkg) { Remove-Item -LiteralPath $nupkg -Force }

    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    # .NET returns '' for ~/.config or ~/.local/share when the folder does not exist (a fresh HOME), and
    # then PSResourceGet and its NuGet use relative paths: Publish-PSResource writes NuGet/NuGet.Config,
    # and the repository list goes to PSResourceGet/PSResourceRepository.xml, in the process's current
    # directory. Keep that directory on the output folder from registering to unregistering, so such
    # files stay in out/package and all three calls see the same repository list.
    $cwd = [Environment]::CurrentDirectory
    [Environment]::CurrentDirectory = $OutputDir
    try {
        $repository = "$Name-build-$([guid]::NewGuid().ToString('N'))"
        Register-PSResourceRepository -Name $repository -Uri $repoDir -Trusted -ErrorAction Stop
        try {
            Publish-PSResource -Path $versionDir -Repository $repository -ErrorAction Stop
        }
        finally {
            try { Unregister-PSResourceRepository -Name $repository -ErrorAction Stop }
            catch { Write-Warning "could not unregister the temporary PSResource repository '$repository': $_" }
        }
    }
    finally {
        [Environment]::CurrentDirectory = $cwd
    }

    if (-not (Test-Path -LiteralPath $nupkg)) {
        throw "Publish-PSResource reported success but $nupkg does not exist."
    }
    Get-Item -LiteralPath $nupkg
}
