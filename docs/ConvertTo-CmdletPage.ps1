<#
.SYNOPSIS
    Writes the Markdown page of one cmdlet (docs/cmdlets/<Cmdlet>.md, its HelpUri) from its MAML help.
.DESCRIPTION
    The MAML in en-US/cmdlets is the one source of a cmdlet's help: Get-Help reads it, and this script turns it into
    the page Get-Help -Online opens. build.ps1 -Task Docs writes every page with it; tests/Pester/Module.Tests.ps1
    checks that each page in the repository is what it writes now.
.PARAMETER Path
    A cmdlet's MAML file, en-US/cmdlets/<Cmdlet>.xml.
.OUTPUTS
    The page's text, lines ending in LF.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $Path
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$document = [xml]::new()
$document.PreserveWhitespace = $true
$document.Load((Resolve-Path -LiteralPath $Path).ProviderPath)
$namespaces = [System.Xml.XmlNamespaceManager]::new($document.NameTable)
$namespaces.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
$namespaces.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
$namespaces.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
$command = $document.DocumentElement

function Find([System.Xml.XmlNode] $Node, [string] $XPath) { @($Node.SelectNodes($XPath, $namespaces)) }
function Text([System.Xml.XmlNode] $Node, [string] $XPath) {
    $found = $Node.SelectSingleNode($XPath, $namespaces)
    if ($found) { $found.InnerText.Trim() } else { '' }
}
# Text as Markdown reads it: no HTML, no emphasis, no table cell breaks.
function Escape([string] $Text) { $Text.Replace('\', '\\').Replace('<', '&lt;').Replace('*', '\*').Replace('_', '\_').Replace('|', '\|') }
function Paragraphs([System.Xml.XmlNode] $Node) {
    if (-not $Node) { return }
    foreach ($para in Find $Node 'maml:para') {
        $text = $para.InnerText.Trim()
        if (-not $text) { continue }
        # A paragraph of several lines is sample output: shown as it is, in a code block.
        if ($text.Contains("`n")) { '```text'; $text; '```'; '' }
        else { Escape $text; '' }
    }
}

$name = Text $command 'command:details/command:name'
$lines = [System.Collections.Generic.List[string]]::new()
function Add([string[]] $Text) { foreach ($line in $Text) { $lines.Add($line) } }

Add "# $name", ''
Add "<!-- Written by build.ps1 -Task Docs from en-US/cmdlets/$name.xml; edit that file, not this one. -->", ''
Add (Paragraphs $command.SelectSingleNode('command:details/maml:description', $namespaces))

Add '## Syntax', ''
foreach ($item in Find $command 'command:syntax/command:syntaxItem') {
    $parts = foreach ($parameter in Find $item 'command:parameter') {
        $parameterName = Text $parameter 'maml:name'
        $type = Text $parameter 'command:parameterValue'
        $shown = if ($parameter.GetAttribute('position') -ne 'named') { "[-$parameterName]" } else { "-$parameterName" }
        if ($type -and $type -ne 'SwitchParameter') { $shown += " <$type>" }
        if ($parameter.GetAttribute('required') -ne 'true') { $shown = "[$shown]" }
        $shown
    }
    Add '```powershell', ((@(Text $item 'maml:name') + $parts + '[<CommonParameters>]') -join ' '), '```', ''
}

Add '## Description', ''
Add (Paragraphs $command.SelectSingleNode('maml:description', $namespaces))

Add '## Parameters', ''
foreach ($parameter in Find $command 'command:parameters/command:parameter') {
    Add "### -$(Text $parameter 'maml:name')", ''
    Add (Paragraphs $parameter.SelectSingleNode('maml:description', $namespaces))
    $values = @(Find $parameter 'command:parameterValueGroup/command:parameterValue' | ForEach-Object { $_.InnerText.Trim() })
    if ($values) { Add "Accepted values: $(Escape ($values -join ', '))", '' }
    Add '| Type | Required | Position | Default | Pipeline input | Wildcards |', '| --- | --- | --- | --- | --- | --- |'
    Add ('| {0} | {1} | {2} | {3} | {4} | {5} |' -f (Escape (Text $parameter 'dev:type/maml:name')), $parameter.GetAttribute('required'),
        $parameter.GetAttribute('position'), (Escape (Text $parameter 'dev:defaultValue')), $parameter.GetAttribute('pipelineInput'),
        $parameter.GetAttribute('globbing')), ''
}
Add '### CommonParameters', '', 'This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction and -WarningVariable (about\_CommonParameters).', ''

foreach ($section in @(
        @{ Title = 'Inputs'; XPath = 'command:inputTypes/command:inputType' }
        @{ Title = 'Outputs'; XPath = 'command:returnValues/command:returnValue' })) {
    $entries = @(Find $command $section.XPath)
    if (-not $entries) { continue }
    Add "## $($section.Title)", ''
    foreach ($entry in $entries) {
        Add "### $(Escape (Text $entry 'dev:type/maml:name'))", ''
        Add (Paragraphs $entry.SelectSingleNode('maml:description', $namespaces))
    }
}

$notes = @(Find $command 'maml:alertSet/maml:alert')
if ($notes) {
    Add '## Notes', ''
    foreach ($note in $notes) { Add (Paragraphs $note) }
}

Add '## Examples', ''
foreach ($example in Find $command 'command:examples/command:example') {
    Add "### $((Text $example 'maml:title').Trim('-', ' '))", ''
    Add '```powershell', (Text $example 'dev:code'), '```', ''
    Add (Paragraphs $example.SelectSingleNode('dev:remarks', $namespaces))
}

$links = @(Find $command 'command:relatedLinks/maml:navigationLink')
if ($links) {
    Add '## Related links', ''
    foreach ($link in $links) {
        $text = Text $link 'maml:linkText'
        $uri = Text $link 'maml:uri'
        $target = if ($uri) { $uri } elseif ($text -like 'about_*') { $null } else { "$text.md" }
        if ($target) { Add "- [$(Escape $text)]($target)" } else { Add "- $(Escape $text) (Get-Help $text)" }
    }
    Add ''
}

while ($lines.Count -and $lines[$lines.Count - 1] -eq '') { $lines.RemoveAt($lines.Count - 1) }
($lines -join "`n") + "`n"
