#Requires -Version 7.4
# build.ps1 -Task Package end to end with the real PSResourceGet: the packaging step (build/Package.ps1,
# the functions the task runs) on the staged module out/RSerPoolPU, Install-PSResource from the file
# repository it publishes to, and the installed copy imported in a fresh pwsh. Every step runs in a
# child pwsh whose HOME, XDG_* folders and working directory lie in a temporary folder and which does
# not inherit PSModulePath, so the user's PSResourceRepository.xml, NuGet settings and module folders
# are never read or written; Install-PSResource -Scope CurrentUser installs into that temporary HOME.
BeforeAll {
    $script:Root = (Join-Path $PSScriptRoot '../..' | Resolve-Path).Path
    $script:ModuleDir = (Join-Path $script:Root 'out/RSerPoolPU' | Resolve-Path).Path
    $script:Version = (Import-PowerShellDataFile (Join-Path $script:Root 'RSerPoolPU.psd1')).ModuleVersion
    $script:Temp = Join-Path ([IO.Path]::GetTempPath()) "rserpoolpu-package-tests-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $script:Temp

    function Invoke-IsolatedPwsh {
        # Runs $Script (a param block taking -ResultPath first) in a new pwsh confined to $HomeDir and
        # returns what it wrote to -ResultPath as JSON; throws with the child's output if it failed.
        param([string] $HomeDir, [string] $WorkingDir, [string] $Script, [hashtable] $Parameters = @{})
        $null = New-Item -ItemType Directory -Force -Path $HomeDir, $WorkingDir
        $id = [guid]::NewGuid().ToString('N')
        $scriptPath = Join-Path $script:Temp "child-$id.ps1"
        $resultPath = Join-Path $script:Temp "child-$id.json"
        Set-Content -LiteralPath $scriptPath -Value $Script
        $psi = [Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME 'pwsh'))
        foreach ($arg in '-NoProfile', '-NonInteractive', '-File', $scriptPath, '-ResultPath', $resultPath) { $psi.ArgumentList.Add($arg) }
        foreach ($key in $Parameters.Keys) { $psi.ArgumentList.Add("-$key"); $psi.ArgumentList.Add([string] $Parameters[$key]) }
        $psi.WorkingDirectory = $WorkingDir
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.Environment['HOME'] = $HomeDir
        $psi.Environment['XDG_DATA_HOME'] = Join-Path $HomeDir '.local/share'
        $psi.Environment['XDG_CONFIG_HOME'] = Join-Path $HomeDir '.config'
        $psi.Environment['XDG_CACHE_HOME'] = Join-Path $HomeDir '.cache'
        $null = $psi.Environment.Remove('PSModulePath')
        $process = [Diagnostics.Process]::Start($psi)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(120000)) {
            $process.Kill($true)
            throw "child pwsh did not finish within 120 s"
        }
        $process.WaitForExit()
        if ($process.ExitCode -ne 0 -or -not (Test-Path -LiteralPath $resultPath)) {
            throw "child pwsh failed (exit $($process.ExitCode)):`n$($stdout.Result)`n$($stderr.Result)"
        }
        Get-Content -Raw -LiteralPath $resultPath | ConvertFrom-Json
    }

    # 1. The packaging step twice in a row (it must be idempotent); then into the same folder from a copy
    #    of the module whose manifest names a dependency no repository has, so that Publish-PSResource
    #    itself fails after the repository was registered; then once more for the steps below.
    $script:PackageHome = Join-Path $script:Temp 'package-home'
    $script:PackageCwd = Join-Path $script:Temp 'package-cwd'
    $script:PackageOut = Join-Path $script:Temp 'package'
    # Like a CI home where only dotnet has run: ~/.local/share exists, ~/.config does not, so NuGet
    # inside Publish-PSResource falls back to the current directory (see build/Package.ps1).
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $script:PackageHome '.local/share')
    $broken = Join-Path $script:Temp 'broken/RSerPoolPU'
    $null = New-Item -ItemType Directory -Force -Path $broken
    Copy-Item -Path (Join-Path $script:ModuleDir '*') -Destination $broken -Recurse
    $manifestText = Get-Content -Raw (Join-Path $broken 'RSerPoolPU.psd1')
    $manifestText.Replace("RootModule", "RequiredModules = @('RSerPoolPU.NoSuchDependency')`n    RootModule") |
        Set-Content (Join-Path $broken 'RSerPoolPU.psd1')
    $script:Packaged = Invoke-IsolatedPwsh -HomeDir $script:PackageHome -WorkingDir $script:PackageCwd -Parameters @{
        PackageScript = Join-Path $script:Root 'build/Package.ps1'
        ModuleDir     = $script:ModuleDir
        OutputDir     = $script:PackageOut
        BrokenDir     = $broken
    } -Script {
        param([string] $ResultPath, [string] $PackageScript, [string] $ModuleDir, [string] $OutputDir, [string] $BrokenDir)
        $ErrorActionPreference = 'Stop'
        . $PackageScript
        $first = New-ModulePackage -ModuleDir $ModuleDir -OutputDir $OutputDir
        $second = New-ModulePackage -ModuleDir $ModuleDir -OutputDir $OutputDir
        $brokenError = $null
        try { $null = New-ModulePackage -ModuleDir $BrokenDir -OutputDir $OutputDir }
        catch { $brokenError = "$_" }
        $afterFailure = @{
            NupkgLeft    = Test-Path -LiteralPath $second.FullName
            Repositories = @(Get-PSResourceRepository | ForEach-Object { "$($_.Name) $($_.Uri)" })
        }
        $final = New-ModulePackage -ModuleDir $ModuleDir -OutputDir $OutputDir
        @{
            First         = $first.FullName
            Second        = $second.FullName
            Final         = $final.FullName
            BrokenError   = $brokenError
            AfterFailure  = $afterFailure
            Repositories  = @(Get-PSResourceRepository | ForEach-Object { "$($_.Name) $($_.Uri)" })
            PSResourceGet = "$((Get-Module Microsoft.PowerShell.PSResourceGet).Version)"
        } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $ResultPath
    }.ToString()
    $script:Nupkg = Join-Path $script:PackageOut "repo/RSerPoolPU.$script:Version.nupkg"

    # 2. Install-PSResource from that file repository into a second, fresh home.
    $script:UserHome = Join-Path $script:Temp 'user-home'
    $script:UserModules = Join-Path $script:UserHome '.local/share/powershell/Modules'
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $script:UserHome '.local/share'), (Join-Path $script:UserHome '.config'), (Join-Path $script:UserHome '.cache')
    $script:Installed = Invoke-IsolatedPwsh -HomeDir $script:UserHome -WorkingDir (Join-Path $script:Temp 'user-cwd') -Parameters @{
        RepoDir = Join-Path $script:PackageOut 'repo'
        Version = $script:Version
    } -Script {
        param([string] $ResultPath, [string] $RepoDir, [string] $Version)
        $ErrorActionPreference = 'Stop'
        $repository = "RSerPoolPU-test-$([guid]::NewGuid().ToString('N'))"
        Register-PSResourceRepository -Name $repository -Uri $RepoDir -Trusted
        try {
            $installed = @(Install-PSResource -Name RSerPoolPU -Version $Version -Repository $repository -Scope CurrentUser -PassThru)
        }
        finally { Unregister-PSResourceRepository -Name $repository }
        @{
            Installed = @($installed | ForEach-Object { @{ Name = $_.Name; Version = "$($_.Version)"; Location = $_.InstalledLocation; Repository = $_.Repository } })
            Listed    = @(Get-InstalledPSResource -Name RSerPoolPU | ForEach-Object { "$($_.Name) $($_.Version)" })
        } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $ResultPath
    }.ToString()

    # 3. A fresh pwsh in that home imports the module by name, i.e. from the installed copy.
    $script:Imported = Invoke-IsolatedPwsh -HomeDir $script:UserHome -WorkingDir (Join-Path $script:Temp 'user-cwd') -Script {
        param([string] $ResultPath)
        $ErrorActionPreference = 'Stop'
        $available = @(Get-Module -ListAvailable -Name RSerPoolPU)
        Import-Module RSerPoolPU
        $module = Get-Module RSerPoolPU
        $help = Get-Help Resolve-PoolHandle -Examples
        @{
            Available   = @($available | ForEach-Object ModuleBase)
            ModuleBase  = $module.ModuleBase
            Version     = "$($module.Version)"
            Cmdlets     = @($module.ExportedCmdlets.Keys)
            ExampleCode = @($help.examples.example | ForEach-Object { "$($_.code)".Trim() })
            HelpText    = $help | Out-String -Width 200
        } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $ResultPath
    }.ToString()
}

AfterAll {
    if ($script:Temp -and (Test-Path -LiteralPath $script:Temp)) { Remove-Item -LiteralPath $script:Temp -Recurse -Force }
}

Describe 'build.ps1 -Task Package with PSResourceGet' {
    It 'publishes RSerPoolPU.(manifest version).nupkg into the file repository, also when run twice' {
        $script:Packaged.First | Should -Be $script:Nupkg
        $script:Packaged.Second | Should -Be $script:Nupkg
        $script:Packaged.Final | Should -Be $script:Nupkg
        $script:Nupkg | Should -Exist
        @(Get-ChildItem -LiteralPath (Join-Path $script:PackageOut 'repo') -Filter '*.nupkg').Name | Should -Be @("RSerPoolPU.$script:Version.nupkg")
        Join-Path $script:PackageOut "RSerPoolPU/$script:Version/RSerPoolPU.psd1" | Should -Exist
    }

    It 'puts the manifest version and the whole module into the nupkg' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($script:Nupkg)
        try {
            $entries = @($zip.Entries.FullName)
            $reader = [IO.StreamReader]::new($zip.GetEntry('RSerPoolPU.nuspec').Open())
            [xml] $nuspec = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $nuspec.package.metadata.id | Should -Be 'RSerPoolPU'
        $nuspec.package.metadata.version | Should -Be $script:Version
        foreach ($file in 'RSerPoolPU.psd1', 'RSerPoolPU.dll', 'RSerPool.Core.dll', 'RSerPoolPU.Format.ps1xml', 'en-US/RSerPoolPU.dll-Help.xml') {
            $entries | Should -Contain $file
        }
    }

    It 'leaves no repository registered and no old nupkg behind when Publish-PSResource fails' {
        $script:Packaged.BrokenError | Should -Match 'NoSuchDependency'
        $script:Packaged.AfterFailure.NupkgLeft | Should -BeFalse
        @($script:Packaged.AfterFailure.Repositories | Where-Object { $_ -like 'RSerPoolPU-build-*' -or $_ -like "*$script:Temp*" }) | Should -BeNullOrEmpty
    }

    It 'leaves no repository registered after publishing, and no NuGet folder in the working directory' {
        @($script:Packaged.Repositories).Count | Should -BeGreaterThan 0 -Because 'PSResourceGet lists at least its default PSGallery'
        @($script:Packaged.Repositories | Where-Object { $_ -like 'RSerPoolPU-build-*' -or $_ -like "*$script:Temp*" }) | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $script:PackageCwd -Force) | Should -BeNullOrEmpty
    }

    It 'installs RSerPoolPU of the manifest version from the file repository with Install-PSResource' {
        @($script:Installed.Installed).Count | Should -Be 1
        $script:Installed.Installed[0].Name | Should -Be 'RSerPoolPU'
        $script:Installed.Installed[0].Version | Should -Be $script:Version
        $script:Installed.Installed[0].Location | Should -Be $script:UserModules
        @($script:Installed.Listed) | Should -Be @("RSerPoolPU $script:Version")
        Join-Path $script:UserModules "RSerPoolPU/$script:Version/RSerPoolPU.psd1" | Should -Exist
    }

    It 'imports the installed copy in a fresh pwsh with the 8 cmdlets' {
        $base = Join-Path $script:UserModules "RSerPoolPU/$script:Version"
        @($script:Imported.Available) | Should -Be @($base)
        $script:Imported.ModuleBase | Should -Be $base
        $script:Imported.Version | Should -Be $script:Version
        $expected = 'Resolve-PoolHandle', 'Select-PoolElement', 'Connect-PoolElement', 'Disconnect-PoolElement',
            'Send-PoolRequest', 'Register-PoolElementFailure', 'Get-PoolSession', 'Get-PoolRegistrar'
        @($script:Imported.Cmdlets | Sort-Object) | Should -Be @($expected | Sort-Object)
    }

    It 'shows the examples of Resolve-PoolHandle from the installed help' {
        Join-Path $script:UserModules "RSerPoolPU/$script:Version/en-US/RSerPoolPU.dll-Help.xml" | Should -Exist
        @($script:Imported.ExampleCode).Count | Should -BeGreaterThan 0
        foreach ($code in $script:Imported.ExampleCode) { $code | Should -Match 'Resolve-PoolHandle' }
        $script:Imported.HelpText | Should -Match 'Example 1'
    }
}
