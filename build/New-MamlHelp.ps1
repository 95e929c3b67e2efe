#Requires -Version 7.4
<#
.SYNOPSIS
    Generates the module's MAML help (en-US/RSerPoolPU.dll-Help.xml) from the cmdlets' C# doc comments.

.DESCRIPTION
    platyPS is not available here, so the help is built from the two sources that cannot drift from
    the code: PowerShell's own metadata of the imported module (parameter sets, positions, pipeline
    input, aliases, types, [OutputType]) and the XML documentation file the compiler writes from the
    doc comments. The convention it reads, per cmdlet class:

      <summary>                    the synopsis (one sentence)
      <remarks><para>...</para>    the description, one MAML paragraph per <para>
      <example title="...">        one example: <code> is the command, exactly as a user types it
        <code>...</code>           (it must run against the lab pool: the Lab Pester tests run it),
        <para>...</para>           followed by what it does
      </example>
      <seealso cref="T:...Command"/>   a related link to that cmdlet (about_RSerPoolPU is always linked)

    and per parameter property (also those inherited from the base classes):

      <summary>                    the parameter's description
      <value>The default is X.</value>   its default value (X), when it has one worth saying

    Input types are the types of the pipeline parameters; output types come from [OutputType], with the
    <summary> of the output type (from RSerPool.Core.xml or RSerPoolPU.xml) as their description.

    The module is imported in a child pwsh, so the build's own process never loads RSerPoolPU.dll.

.PARAMETER ModuleDir
    The staged module folder (with RSerPoolPU.psd1); the MAML is written to its en-US folder.

.PARAMETER DocDir
    The folder with the compiler's XML documentation files (RSerPoolPU.xml, RSerPool.Core.xml).

.PARAMETER InProcess
    Internal: generate in this process (the child) instead of starting a child pwsh.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $DocDir,
    [switch] $InProcess
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if (-not $InProcess) {
    & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File $PSCommandPath -ModuleDir $ModuleDir -DocDir $DocDir -InProcess
    if ($LASTEXITCODE -ne 0) { throw "MAML generation failed with exit code $LASTEXITCODE" }
    return
}

$ModuleDir = (Resolve-Path $ModuleDir).Path
$DocDir = (Resolve-Path $DocDir).Path
$module = Import-Module (Join-Path $ModuleDir 'RSerPoolPU.psd1') -Force -PassThru
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$cmdletByType = @{}
foreach ($c in $commands) { $cmdletByType[$c.ImplementingType.FullName] = $c.Name }

# member name ("T:...", "P:...") -> <member> element, from every documentation file in DocDir.
$docs = @{}
foreach ($file in Get-ChildItem -Path $DocDir -Filter '*.xml' -File) {
    $xml = [System.Xml.XmlDocument]::new()
    $xml.PreserveWhitespace = $true
    $xml.Load($file.FullName)
    if (-not $xml.DocumentElement -or $xml.DocumentElement.Name -ne 'doc') { continue }
    foreach ($member in $xml.SelectNodes('/doc/members/member')) { $docs[$member.GetAttribute('name')] = $member }
}

$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$shouldProcessText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

function Get-Doc([string] $Name) {
    if ($docs.ContainsKey($Name)) { $docs[$Name] } else { $null }
}

function Get-CrefText([string] $Cref) {
    $kind, $name = $Cref -split ':', 2
    if (-not $name) { return $Cref }
    if ($kind -eq 'T' -and $cmdletByType.ContainsKey($name)) { return $cmdletByType[$name] }
    if ($kind -eq 'P') {
        $typeName = $name.Substring(0, $name.LastIndexOf('.'))
        if ($cmdletByType.ContainsKey($typeName) -or $typeName -like 'RSerPool.PowerShell.Commands.*') {
            return '-' + $name.Substring($name.LastIndexOf('.') + 1)
        }
    }
    ($name -replace '\(.*$', '').Split('.')[-1]
}

function Get-InlineText([System.Xml.XmlNode] $Node) {
    # Text of a node with inline tags rendered as a reader of help expects them.
    $sb = [System.Text.StringBuilder]::new()
    foreach ($child in $Node.ChildNodes) {
        switch ($child.NodeType) {
            'Text' { [void] $sb.Append($child.Value) }
            'Whitespace' { [void] $sb.Append(' ') }
            'SignificantWhitespace' { [void] $sb.Append(' ') }
            'Element' {
                switch ($child.LocalName) {
                    'see' {
                        if ($child.HasAttribute('langword')) { [void] $sb.Append($(if ($child.GetAttribute('langword') -eq 'null') { '$null' } else { '$' + $child.GetAttribute('langword') })) }
                        elseif ($child.HasAttribute('cref')) { [void] $sb.Append((Get-CrefText $child.GetAttribute('cref'))) }
                        else { [void] $sb.Append((Get-InlineText $child)) }
                    }
                    'paramref' { [void] $sb.Append($child.GetAttribute('name')) }
                    'typeparamref' { [void] $sb.Append($child.GetAttribute('name')) }
                    default { [void] $sb.Append((Get-InlineText $child)) }
                }
            }
        }
    }
    $sb.ToString()
}

function ConvertTo-Paragraphs([System.Xml.XmlNode] $Node) {
    # One paragraph per <para>; loose text between them is a paragraph of its own.
    if (-not $Node) { return @() }
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $loose = [System.Text.StringBuilder]::new()
    $flush = {
        $text = ($loose.ToString() -replace '\s+', ' ').Trim()
        if ($text) { $paragraphs.Add($text) }
        [void] $loose.Clear()
    }
    foreach ($child in $Node.ChildNodes) {
        if ($child.NodeType -eq 'Element' -and $child.LocalName -eq 'para') {
            & $flush
            $text = ((Get-InlineText $child) -replace '\s+', ' ').Trim()
            if ($text) { $paragraphs.Add($text) }
        }
        elseif ($child.NodeType -eq 'Element' -and $child.LocalName -in 'code', 'example') {
            continue
        }
        else {
            $wrapper = $Node.OwnerDocument.CreateElement('x')
            [void] $wrapper.AppendChild($child.Clone())
            [void] $loose.Append((Get-InlineText $wrapper))
        }
    }
    & $flush
    $paragraphs.ToArray()
}

function Get-CodeText([System.Xml.XmlElement] $Code) {
    # The compiler keeps the comment's indentation on continuation lines; strip the member's own indent.
    $indent = ''
    $example = $Code.ParentNode
    $previous = $example.PreviousSibling
    if ($previous -and $previous.NodeType -in 'Whitespace', 'SignificantWhitespace', 'Text') {
        $indent = ($previous.Value -split "`n")[-1]
    }
    $lines = $Code.InnerText -split "`r?`n"
    $out = for ($i = 0; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($i -gt 0 -and $indent -and $line.StartsWith($indent)) { $line = $line.Substring($indent.Length) }
        $line.TrimEnd()
    }
    ($out -join "`n").Trim("`n")
}

function Get-TypeDisplayName([type] $Type) {
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { return Get-TypeDisplayName $Type.GetGenericArguments()[0] }
    $Type.Name
}

function Get-ParameterDoc([System.Management.Automation.CommandInfo] $Command, [string] $Name) {
    if ($shouldProcessText.ContainsKey($Name)) { return @{ Paragraphs = @($shouldProcessText[$Name]); Default = 'False' } }
    $property = $Command.ImplementingType.GetProperty($Name)
    $member = if ($property) { Get-Doc "P:$($property.DeclaringType.FullName).$Name" }
    $default = 'None'
    if ($member -and $member['value']) {
        $value = ((Get-InlineText $member['value']) -replace '\s+', ' ').Trim()
        $default = if ($value -match '^The default is (.+?)\.?$') { $Matches[1] } else { $value }
    }
    elseif ($property -and $property.PropertyType -eq [System.Management.Automation.SwitchParameter]) {
        $default = 'False'
    }
    @{ Paragraphs = @(if ($member) { ConvertTo-Paragraphs $member['summary'] }); Default = $default }
}

function Get-PipelineText($Parameter) {
    $kinds = @()
    if ($Parameter.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($Parameter.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Write-Paragraphs([System.Xml.XmlWriter] $W, [string[]] $Paragraphs) {
    foreach ($p in $Paragraphs) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
    if (-not $Paragraphs) { $W.WriteElementString('maml', 'para', $ns.maml, '') }
}

function Write-Parameter([System.Xml.XmlWriter] $W, [System.Management.Automation.CommandInfo] $Command, $Parameter, [bool] $InSyntax) {
    # $Parameter is a CommandParameterInfo (from a parameter set) with the set's position and mandatory flag.
    $doc = Get-ParameterDoc $Command $Parameter.Name
    $isSwitch = $Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $Parameter.IsMandatory.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
    $W.WriteAttributeString('globbing', 'false')
    $W.WriteAttributeString('pipelineInput', (Get-PipelineText $Parameter))
    $W.WriteAttributeString('position', $(if ($Parameter.Position -ge 0) { [string]$Parameter.Position } else { 'named' }))
    $W.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $ns.maml, $Parameter.Name)
    $W.WriteStartElement('maml', 'description', $ns.maml)
    Write-Paragraphs $W $doc.Paragraphs
    $W.WriteEndElement()
    if (-not ($InSyntax -and $isSwitch)) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $W.WriteAttributeString('variableLength', $Parameter.ParameterType.IsArray.ToString().ToLowerInvariant())
        $W.WriteString((Get-TypeDisplayName $Parameter.ParameterType))
        $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $ns.dev)
    $W.WriteElementString('maml', 'name', $ns.maml, $Parameter.ParameterType.FullName)
    $W.WriteElementString('maml', 'uri', $ns.maml, '')
    $W.WriteEndElement()
    $W.WriteElementString('dev', 'defaultValue', $ns.dev, $doc.Default)
    $W.WriteEndElement()
}

function Get-SetParameters($ParameterSet) {
    # Parameters of one set as PowerShell's syntax orders them: positional by position, then the rest.
    $ps = @($ParameterSet.Parameters | Where-Object { $_.Name -notin $commonParameters })
    @($ps | Where-Object Position -ge 0 | Sort-Object Position) + @($ps | Where-Object Position -lt 0 | Sort-Object { -not $_.IsMandatory })
}

function Write-Command([System.Xml.XmlWriter] $W, [System.Management.Automation.CmdletInfo] $Command) {
    $typeDoc = Get-Doc "T:$($Command.ImplementingType.FullName)"
    if (-not $typeDoc) { throw "$($Command.Name): no doc comment on $($Command.ImplementingType.FullName)" }
    $synopsis = @(ConvertTo-Paragraphs $typeDoc['summary'])
    $description = @(ConvertTo-Paragraphs $typeDoc['remarks'])
    $examples = @($typeDoc.SelectNodes('example'))

    $W.WriteStartElement('command', 'command', $ns.command)
    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $Command.Name)
    $W.WriteElementString('command', 'verb', $ns.command, $Command.Verb)
    $W.WriteElementString('command', 'noun', $ns.command, $Command.Noun)
    $W.WriteStartElement('maml', 'description', $ns.maml); Write-Paragraphs $W $synopsis; $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('maml', 'description', $ns.maml); Write-Paragraphs $W $description; $W.WriteEndElement()

    $W.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $Command.ParameterSets) {
        $W.WriteStartElement('command', 'syntaxItem', $ns.command)
        $W.WriteElementString('maml', 'name', $ns.maml, $Command.Name)
        foreach ($p in (Get-SetParameters $set)) { Write-Parameter $W $Command $p $true }
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    # The parameters section: each parameter once, described by the first set that has it.
    $W.WriteStartElement('command', 'parameters', $ns.command)
    $seen = @{}
    foreach ($set in $Command.ParameterSets) {
        foreach ($p in (Get-SetParameters $set)) {
            if ($seen.ContainsKey($p.Name)) { continue }
            $seen[$p.Name] = $true
            Write-Parameter $W $Command $p $false
        }
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'inputTypes', $ns.command)
    $inputs = [ordered]@{}
    foreach ($set in $Command.ParameterSets) {
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $commonParameters -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) }) {
            $type = if ($p.ParameterType.IsArray) { $p.ParameterType.GetElementType() } else { $p.ParameterType }
            $how = if ($p.ValueFromPipeline) { "-$($p.Name)" } else { "-$($p.Name) (by property name)" }
            if (-not $inputs.Contains($type.FullName)) { $inputs[$type.FullName] = [System.Collections.Generic.List[string]]::new() }
            if (-not $inputs[$type.FullName].Contains($how)) { $inputs[$type.FullName].Add($how) }
        }
    }
    if ($inputs.Count -eq 0) { $inputs['None'] = [System.Collections.Generic.List[string]]::new() }
    foreach ($name in $inputs.Keys) {
        $W.WriteStartElement('command', 'inputType', $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $name); $W.WriteEndElement()
        $text = if ($name -eq 'None') { 'You cannot pipe objects to this cmdlet.' } else { "You can pipe $name to $($inputs[$name] -join ', ')." }
        $W.WriteStartElement('maml', 'description', $ns.maml); Write-Paragraphs $W @($text); $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'returnValues', $ns.command)
    foreach ($output in $Command.OutputType) {
        $typeName = $output.Name
        $W.WriteStartElement('command', 'returnValue', $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $typeName); $W.WriteEndElement()
        $outputDoc = Get-Doc "T:$typeName"
        $W.WriteStartElement('maml', 'description', $ns.maml)
        Write-Paragraphs $W @(if ($outputDoc) { ConvertTo-Paragraphs $outputDoc['summary'] })
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('maml', 'alertSet', $ns.maml)
    $W.WriteStartElement('maml', 'alert', $ns.maml)
    Write-Paragraphs $W @('Errors carry stable ErrorIds (the PoolFailure name, such as PoolHandleNotFound or Timeout, or a validation id such as RegistrarNotSpecified) and a recommended action; see about_RSerPoolPU.')
    $W.WriteEndElement()
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $ns.command)
    $n = 0
    foreach ($example in $examples) {
        $n++
        $code = $example['code']
        if (-not $code) { throw "$($Command.Name): example $n has no <code>" }
        $title = $example.GetAttribute('title')
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "---------- Example ${n}: $title ----------")
        $W.WriteElementString('dev', 'code', $ns.dev, (Get-CodeText $code))
        $W.WriteStartElement('dev', 'remarks', $ns.dev); Write-Paragraphs $W @(ConvertTo-Paragraphs $example); $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    $links = @('about_RSerPoolPU') + @($typeDoc.SelectNodes('seealso') | ForEach-Object { Get-CrefText $_.GetAttribute('cref') })
    foreach ($link in $links) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $link)
        $W.WriteElementString('maml', 'uri', $ns.maml, '')
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

$helpDir = Join-Path $ModuleDir 'en-US'
$null = New-Item -ItemType Directory -Force -Path $helpDir
$path = Join-Path $helpDir 'RSerPoolPU.dll-Help.xml'
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$writer = [System.Xml.XmlWriter]::Create($path, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($prefix in 'maml', 'command', 'dev') {
        $writer.WriteAttributeString('xmlns', $prefix, 'http://www.w3.org/2000/xmlns/', $ns[$prefix])
    }
    foreach ($command in $commands) {
        Write-Command $writer $command
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}
Write-Host "==> MAML help for $($commands.Count) cmdlets in $path"
