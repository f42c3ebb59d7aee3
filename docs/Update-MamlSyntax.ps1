<#
.SYNOPSIS
    Rewrites the syntax section of each cmdlet's MAML help from the cmdlet itself.
.DESCRIPTION
    The syntax (one entry per parameter set, each parameter with whether that set requires it and its position) is
    what the compiled cmdlet says it is, so it is written from Get-Command rather than by hand; each parameter's
    description, type and default come from the same file's parameters section, written by hand. build.ps1 -Task Docs
    runs this in a pwsh of its own, with the built module, before it writes the pages.
.PARAMETER ModulePath
    The built module's manifest.
.PARAMETER HelpPath
    The folder of MAML files, en-US/cmdlets.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $HelpPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath -Force

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$commandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$common = [System.Management.Automation.Cmdlet]::CommonParameters

foreach ($file in Get-ChildItem $HelpPath -Filter *.xml) {
    $command = Get-Command $file.BaseName -Module NetFoundations -ErrorAction SilentlyContinue
    if (-not $command) { continue }
    $document = [xml]::new()
    $document.PreserveWhitespace = $true
    $document.Load($file.FullName)
    $namespaces = [System.Xml.XmlNamespaceManager]::new($document.NameTable)
    $namespaces.AddNamespace('maml', $maml)
    $namespaces.AddNamespace('command', $commandNs)
    $described = @{}
    $order = @{}
    foreach ($parameter in $document.DocumentElement.SelectNodes('command:parameters/command:parameter', $namespaces)) {
        $parameterName = $parameter.SelectSingleNode('maml:name', $namespaces).InnerText.Trim()
        $described[$parameterName] = $parameter
        $order[$parameterName] = $order.Count
    }

    $syntax = $document.DocumentElement.SelectSingleNode('command:syntax', $namespaces)
    $syntax.RemoveAll()
    $sets = @($command.ParameterSets | Sort-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $syntax.AppendChild($document.CreateWhitespace("`n    ")) | Out-Null
        $syntax.AppendChild($document.CreateComment(" Parameter set: $($set.Name) ")) | Out-Null
        $syntax.AppendChild($document.CreateWhitespace("`n    ")) | Out-Null
        $item = $syntax.AppendChild($document.CreateElement('command', 'syntaxItem', $commandNs))
        $item.AppendChild($document.CreateWhitespace("`n      ")) | Out-Null
        $name = $item.AppendChild($document.CreateElement('maml', 'name', $maml))
        $name.InnerText = $command.Name
        # Positional parameters by position, then the others in the order the parameters section describes them.
        $ordered = @($set.Parameters | Where-Object Name -notin $common |
            Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { $order[$_.Name] })
        foreach ($parameter in $ordered) {
            if (-not $described.ContainsKey($parameter.Name)) {
                if ($parameter.Name -in 'WhatIf', 'Confirm') { continue }
                throw "$($file.Name): the parameter -$($parameter.Name) has no description."
            }
            $copy = $document.ImportNode($described[$parameter.Name], $true)
            $copy.SetAttribute('required', $parameter.IsMandatory.ToString().ToLowerInvariant())
            $copy.SetAttribute('position', $(if ($parameter.Position -ge 0) { "$($parameter.Position)" } else { 'named' }))
            # Indent the copy for where it sits now: 6 spaces, whatever the parameters section used.
            $before = $described[$parameter.Name].PreviousSibling
            $indent = if ($before -and $before.NodeType -eq 'Whitespace') { $before.Value.Length - $before.Value.LastIndexOf("`n") - 1 } else { 4 }
            foreach ($space in @($copy.SelectNodes('.//text()[normalize-space(.) = ""]'))) {
                $depth = [Math]::Max(0, $space.Value.Length - $space.Value.LastIndexOf("`n") - 1 - $indent + 6)
                $space.Value = "`n" + (' ' * $depth)
            }
            $item.AppendChild($document.CreateWhitespace("`n      ")) | Out-Null
            $item.AppendChild($copy) | Out-Null
        }
        $item.AppendChild($document.CreateWhitespace("`n    ")) | Out-Null
    }
    $syntax.AppendChild($document.CreateWhitespace("`n  ")) | Out-Null

    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $settings.NewLineChars = "`n"
    $writer = [System.Xml.XmlWriter]::Create($file.FullName, $settings)
    try { $document.Save($writer) } finally { $writer.Dispose() }
}
