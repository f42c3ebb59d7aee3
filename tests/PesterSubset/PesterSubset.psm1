<#
.SYNOPSIS
    Runs Pester 5 test files where Pester cannot be installed, with Pester 5's semantics for the subset they use.
.DESCRIPTION
    Discovery, then run, as in Pester 5:
    - Discovery dot-sources every *.Tests.ps1 file in a scope of its own. Describe/Context bodies and
      BeforeDiscovery run; It, BeforeAll, AfterAll, BeforeEach and AfterEach bodies only register.
    - Run opens one scope per block (its BeforeAll and AfterAll run there, once) and one scope per test
      inside it (BeforeEach outer to inner, the It body, AfterEach inner to outer). Top-level file code
      runs during discovery only. A failing BeforeAll fails every test of its block; AfterAll always runs.
    - -ForEach/-TestCases data become variables (hashtable keys, and $_ for the item); <name>, <_> and
      <name.property> in names expand in the test's scope after its BeforeEach, like Pester's.
    Runs in the bare engine: the language, .NET calls and the core cmdlets only.

    One deliberate difference: FailedCount also counts a block whose AfterAll failed and a file whose
    discovery failed (Pester reports those as FailedBlocksCount/FailedContainersCount), so that a build
    reading FailedCount cannot miss them. Both are listed in Tests with Result 'Failed'.
#>

$flags = [Reflection.BindingFlags]'Instance,NonPublic'
# Pester's own technique: test code must run in the caller's session state, not the module's, so the
# helper script blocks that open scopes are bound to the caller's session state by reflection.
$script:ScriptBlockSessionState = [scriptblock].GetProperty('SessionStateInternal', $flags)
$script:SessionStateInternal = [Management.Automation.SessionState].GetProperty('Internal', $flags)
$script:Run = $null

#region Running user code in the caller's session state

function New-UserScopeInvoker([string] $Text) {
    $invoker = [scriptblock]::Create($Text)
    $script:ScriptBlockSessionState.SetValue($invoker, $script:SessionStateInternal.GetValue($script:Run.UserState))
    $invoker
}

# `Enter-UserScope $action $argument` opens a new scope in the caller's session state and runs the module's
# $action there: what the action dot-sources lands in that scope, and nested calls open child scopes.
function Enter-UserScope([scriptblock] $Action, $Argument) {
    $null = & $script:Run.ScopeInvoker $Action $Argument
}

function Set-UserVariable([string] $Name, $Value) {
    $script:Run.UserState.PSVariable.Set($Name, $Value)
}

function Set-DataVariable($Item) {
    if ($Item.HasData) {
        if ($Item.Data -is [Collections.IDictionary]) {
            foreach ($key in $Item.Data.Keys) { Set-UserVariable ([string]$key) $Item.Data[$key] }
        }
        Set-UserVariable '_' $Item.Data
    }
}

# The nearest -ForEach item: a test's own, else its closest block's.
function Get-DataOwner($Item) {
    for ($node = $Item; $null -ne $node; $node = $node.Parent) {
        if ($node.HasData) { return $node }
    }
}

function Expand-Name([string] $Template, $Item) {
    [regex]::Replace($Template, '<(_|\w+)((?:\.\w+)*)>', {
            param($match)
            $name = $match.Groups[1].Value
            if ($name -eq '_') {
                $owner = Get-DataOwner $Item
                $value = if ($owner) { $owner.Data } else { $null }
            }
            else {
                $value = $script:Run.UserState.PSVariable.GetValue($name)
            }
            foreach ($property in ($match.Groups[2].Value -split '\.' -ne '')) {
                if ($null -ne $value) { $value = $value.$property }
            }
            "$value"
        })
}

#endregion

#region Discovery: Describe, Context, It and the setup/teardown blocks

function Assert-Discovery([string] $Command) {
    if ($null -eq $script:Run) { throw "$Command runs only in a file run by Invoke-PesterSubset." }
    if (-not $script:Run.Discovery) { throw "$Command cannot be used inside It or a setup/teardown block." }
}

function New-Node([string] $Kind, [string] $Name, $Parent, [string[]] $Tag, [bool] $Skip, [bool] $HasData, $Data, [int] $Line) {
    [pscustomobject]@{
        Kind        = $Kind
        Name        = $Name
        Template    = $Name
        Parent      = $Parent
        File        = $script:Run.File
        Line        = $Line
        Tag         = @($Tag | Where-Object { $_ })
        Skip        = $Skip
        HasData     = $HasData
        Data        = $Data
        Items       = [Collections.Generic.List[object]]::new()
        ScriptBlock = $null
        BeforeAll   = $null
        AfterAll    = $null
        BeforeEach  = $null
        AfterEach   = $null
        Selected    = $false
        Result      = $null
        Message     = $null
        FailureFile = $null
        FailureLine = 0
    }
}

function Get-DataItems([Collections.IDictionary] $Bound) {
    # Returns one entry per generated block/test: @{ HasData; Data }. -ForEach @() or $null generates none.
    if (-not $Bound.ContainsKey('ForEach')) { return , @(@{ HasData = $false; Data = $null }) }
    , @(foreach ($item in $Bound['ForEach']) { @{ HasData = $true; Data = $item } })
}

function Add-Block([string] $Kind, [Collections.IDictionary] $Bound, [int] $Line) {
    Assert-Discovery $Kind
    $parent = $script:Run.CurrentBlock
    foreach ($entry in (Get-DataItems $Bound)) {
        $block = New-Node $Kind $Bound['Name'] $parent $Bound['Tag'] ([bool]$Bound['Skip'] -or $parent.Skip) $entry.HasData $entry.Data $Line
        $block.ScriptBlock = $Bound['Fixture']
        $parent.Items.Add($block)
        $script:Run.CurrentBlock = $block
        try {
            Enter-UserScope {
                param($block)
                Set-DataVariable $block
                $block.Name = Expand-Name $block.Template $block
                . $block.ScriptBlock
            } $block
        }
        finally {
            $script:Run.CurrentBlock = $parent
        }
    }
}

function Describe {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Name,
        [Parameter(Mandatory, Position = 1)] [scriptblock] $Fixture,
        [string[]] $Tag,
        [switch] $Skip,
        [AllowNull()] [object[]] $ForEach
    )
    Add-Block 'Describe' $PSBoundParameters $MyInvocation.ScriptLineNumber
}

function Context {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Name,
        [Parameter(Mandatory, Position = 1)] [scriptblock] $Fixture,
        [string[]] $Tag,
        [switch] $Skip,
        [AllowNull()] [object[]] $ForEach
    )
    Add-Block 'Context' $PSBoundParameters $MyInvocation.ScriptLineNumber
}

function It {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Name,
        [Parameter(Position = 1)] [scriptblock] $Test,
        [Alias('TestCases')] [AllowNull()] [object[]] $ForEach,
        [string[]] $Tag,
        [switch] $Skip,
        [switch] $Pending
    )
    Assert-Discovery 'It'
    $block = $script:Run.CurrentBlock
    if ($null -eq $block.Parent) { throw "It '$Name' must be inside a Describe or Context." }
    $skipped = $Skip.IsPresent -or $Pending.IsPresent -or $null -eq $Test -or $block.Skip
    foreach ($entry in (Get-DataItems $PSBoundParameters)) {
        $node = New-Node 'It' $Name $block $Tag $skipped $entry.HasData $entry.Data $MyInvocation.ScriptLineNumber
        $node.ScriptBlock = $Test
        $block.Items.Add($node)
    }
}

function BeforeDiscovery {
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $ScriptBlock)
    Assert-Discovery 'BeforeDiscovery'
    . $ScriptBlock
}

function BeforeAll {
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $ScriptBlock)
    Assert-Discovery 'BeforeAll'
    $script:Run.CurrentBlock.BeforeAll = $ScriptBlock
}

function AfterAll {
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $ScriptBlock)
    Assert-Discovery 'AfterAll'
    $script:Run.CurrentBlock.AfterAll = $ScriptBlock
}

function BeforeEach {
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $ScriptBlock)
    Assert-Discovery 'BeforeEach'
    $script:Run.CurrentBlock.BeforeEach = $ScriptBlock
}

function AfterEach {
    param([Parameter(Mandatory, Position = 0)] [scriptblock] $ScriptBlock)
    Assert-Discovery 'AfterEach'
    $script:Run.CurrentBlock.AfterEach = $ScriptBlock
}

#endregion

#region Selection

function Get-Tests($Block) {
    foreach ($item in $Block.Items) {
        if ($item.Kind -eq 'It') { $item } else { Get-Tests $item }
    }
}

function Get-TemplatePath($Node) {
    $names = [Collections.Generic.List[string]]::new()
    for ($n = $Node; $null -ne $n.Parent; $n = $n.Parent) { $names.Insert(0, $n.Template) }
    $names -join '.'
}

function Get-FullName($Node) {
    if ($null -eq $Node.Parent) { return $Node.Name }
    $names = [Collections.Generic.List[string]]::new()
    for ($n = $Node; $null -ne $n.Parent; $n = $n.Parent) { $names.Insert(0, $n.Name) }
    $names -join '.'
}

function Test-AnyLike([string[]] $Values, [string[]] $Patterns) {
    foreach ($value in $Values) {
        foreach ($pattern in $Patterns) { if ($value -like $pattern) { return $true } }
    }
    $false
}

function Test-Selected($Test, [string] $FullNameFilter, [string[]] $Tag, [string[]] $ExcludeTag) {
    $tags = @(for ($n = $Test; $null -ne $n; $n = $n.Parent) { $n.Tag })
    if ($ExcludeTag -and (Test-AnyLike $tags $ExcludeTag)) { return $false }
    if ($Tag -and -not (Test-AnyLike $tags $Tag)) { return $false }
    if (-not $FullNameFilter) { return $true }
    $pattern = if ([Management.Automation.WildcardPattern]::ContainsWildcardCharacters($FullNameFilter)) { $FullNameFilter } else { "*$FullNameFilter*" }
    # Pester matches the unexpanded path of the test or of any block above it.
    for ($n = $Test; $null -ne $n.Parent; $n = $n.Parent) {
        if ((Get-TemplatePath $n) -like $pattern) { return $true }
    }
    $false
}

function Test-HasTestsToRun($Block) {
    foreach ($test in (Get-Tests $Block)) { if ($test.Selected -and -not $test.Skip) { return $true } }
    $false
}

#endregion

#region Run

function Get-ErrorLocation($ErrorRecord) {
    $target = $ErrorRecord.TargetObject
    if ($ErrorRecord.FullyQualifiedErrorId -like 'PesterAssertionFailed*' -and $target -is [Collections.IDictionary]) {
        return @{ File = $target.File; Line = [int]$target.Line }
    }
    $info = $ErrorRecord.InvocationInfo
    if ($info -and $info.ScriptName) { return @{ File = $info.ScriptName; Line = $info.ScriptLineNumber } }
    if ($ErrorRecord.ScriptStackTrace -match '(?m), (.+): line (\d+)$') { return @{ File = $Matches[1]; Line = [int]$Matches[2] } }
    @{ File = $null; Line = 0 }
}

function Set-Failure($Node, $ErrorRecord, [string] $Prefix) {
    $location = Get-ErrorLocation $ErrorRecord
    $Node.Result = 'Failed'
    $Node.Message = $Prefix + $ErrorRecord.Exception.Message
    $Node.FailureFile = $location.File
    $Node.FailureLine = $location.Line
}

function Write-Line([string] $Text) { $script:Run.Output.WriteLine($Text) }

function Write-Result($Node) {
    $mark = switch ($Node.Result) { 'Passed' { '[+]' } 'Failed' { '[-]' } default { '[!]' } }
    Write-Line "$mark $(Get-FullName $Node)"
    if ($Node.Result -eq 'Failed') {
        foreach ($line in ($Node.Message -split '\r?\n')) { Write-Line "    $line" }
        if ($Node.FailureFile) { Write-Line "    at $($Node.FailureFile):$($Node.FailureLine)" }
    }
    $script:Run.Results.Add([pscustomobject]@{
            Name     = $Node.Name
            FullName = Get-FullName $Node
            File     = $Node.File
            Line     = if ($Node.FailureLine) { $Node.FailureLine } else { $Node.Line }
            Result   = $Node.Result
            Message  = $Node.Message
        })
}

function Invoke-Test($Test) {
    if ($Test.Skip) {
        $Test.Result = 'Skipped'
        Write-Result $Test
        return
    }
    Enter-UserScope {
        param($test)
        $setups = [Collections.Generic.List[scriptblock]]::new()
        $teardowns = [Collections.Generic.List[scriptblock]]::new()
        for ($block = $test.Parent; $null -ne $block; $block = $block.Parent) {
            if ($block.BeforeEach) { $setups.Insert(0, $block.BeforeEach) }
            if ($block.AfterEach) { $teardowns.Add($block.AfterEach) }
        }
        $failure = $null
        try {
            $owner = Get-DataOwner $test
            if ($owner) { Set-DataVariable $owner }
            foreach ($setup in $setups) { . $setup }
            $test.Name = Expand-Name $test.Template $test
            . $test.ScriptBlock
        }
        catch { $failure = $_ }
        foreach ($teardown in $teardowns) {
            try { . $teardown } catch { if (-not $failure) { $failure = $_ } }
        }
        if ($failure) { Set-Failure $test $failure '' } else { $test.Result = 'Passed' }
    } $Test
    Write-Result $Test
}

function Invoke-Block($Block) {
    Enter-UserScope {
        param($block)
        $setupFailure = $null
        try {
            Set-DataVariable $block
            if ($block.BeforeAll) { . $block.BeforeAll }
        }
        catch { $setupFailure = $_ }
        foreach ($item in $block.Items) {
            if ($item.Kind -ne 'It' -and -not $setupFailure -and (Test-HasTestsToRun $item)) { Invoke-Block $item; continue }
            # a test, or the tests of a block that does not run (all skipped or not selected, or BeforeAll failed)
            $tests = if ($item.Kind -eq 'It') { $item } else { Get-Tests $item }
            foreach ($test in $tests) {
                if (-not $test.Selected) { continue }
                if ($setupFailure -and -not $test.Skip) {
                    Set-Failure $test $setupFailure 'BeforeAll failed: '
                    Write-Result $test
                }
                else { Invoke-Test $test }
            }
        }
        if ($block.AfterAll) {
            try { . $block.AfterAll }
            catch {
                Set-Failure $block $_ 'AfterAll failed: '
                $block.Name = if ($block.Parent) { "$($block.Name) (AfterAll)" } else { "$([IO.Path]::GetFileName($block.File)) (AfterAll)" }
                Write-Result $block
            }
        }
    } $Block
}

#endregion

function Get-TestFiles([string[]] $Path, [Management.Automation.SessionState] $State) {
    $files = [Collections.Generic.List[string]]::new()
    foreach ($p in $Path) {
        $full = $State.Path.GetUnresolvedProviderPathFromPSPath($p)
        if ([IO.Directory]::Exists($full)) { $files.AddRange([IO.Directory]::GetFiles($full, '*.Tests.ps1', 'AllDirectories')) }
        elseif ([IO.File]::Exists($full)) { $files.Add($full) }
        else { throw "Invoke-PesterSubset: the path '$p' does not exist." }
    }
    $sorted = $files.ToArray()
    [Array]::Sort($sorted, [StringComparer]::Ordinal)
    $sorted
}

function Invoke-PesterSubset {
    <#
    .SYNOPSIS
        Discovers and runs Pester 5 test files; prints one line per test and "N passed, N failed" last.
    .PARAMETER Path
        Files or folders (searched recursively for *.Tests.ps1).
    .PARAMETER FullNameFilter
        Runs only tests whose full name (block names and test name joined by '.') matches this wildcard,
        or contains this text when it has no wildcard characters. Empty: all tests.
    .PARAMETER Output
        Where to print (default: the console).
    .OUTPUTS
        An object with PassedCount, FailedCount, SkippedCount, TotalCount and Tests.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Position = 0)] [string[]] $Path = '.',
        [string] $FullNameFilter,
        [string[]] $Tag,
        [string[]] $ExcludeTag,
        [IO.TextWriter] $Output = [Console]::Out
    )
    if ($null -ne $script:Run) { throw 'Invoke-PesterSubset is already running.' }
    $files = Get-TestFiles $Path $PSCmdlet.SessionState
    $script:Run = [pscustomobject]@{
        UserState    = $PSCmdlet.SessionState
        ScopeInvoker = $null
        Output       = $Output
        Discovery    = $true
        CurrentBlock = $null
        File         = $null
        Results      = [Collections.Generic.List[object]]::new()
    }
    try {
        $script:Run.ScopeInvoker = New-UserScopeInvoker '& $args[0] $args[1]'
        $fileInvoker = New-UserScopeInvoker '. $args[0]'
        $roots = foreach ($file in $files) {
            $root = New-Node 'Root' $file $null @() $false $false $null 0
            $root.File = $file
            $script:Run.File = $file
            $script:Run.CurrentBlock = $root
            try {
                $null = & $fileInvoker $file
                $root
            }
            catch {
                Set-Failure $root $_ 'Discovery failed: '
                $root.Name = "$([IO.Path]::GetFileName($file)) (discovery)"
                Write-Result $root
            }
        }
        $script:Run.Discovery = $false

        foreach ($root in $roots) {
            foreach ($test in (Get-Tests $root)) { $test.Selected = Test-Selected $test $FullNameFilter $Tag $ExcludeTag }
            if (Test-HasTestsToRun $root) { Invoke-Block $root }
            else { foreach ($test in (Get-Tests $root)) { if ($test.Selected) { Invoke-Test $test } } }
        }

        $results = $script:Run.Results.ToArray()
        $passed = @($results | Where-Object Result -EQ 'Passed').Count
        $failed = @($results | Where-Object Result -EQ 'Failed').Count
        $skipped = @($results | Where-Object Result -EQ 'Skipped').Count
        $summary = "$passed passed, $failed failed"
        if ($skipped -gt 0) { $summary += ", $skipped skipped" }
        Write-Line $summary
        [pscustomobject]@{
            PassedCount  = $passed
            FailedCount  = $failed
            SkippedCount = $skipped
            TotalCount   = $results.Count
            Tests        = $results
        }
    }
    finally {
        $script:Run = $null
    }
}

#region Should

function Format-Nicely($Value) {
    if ($null -eq $Value) { return '$null' }
    if ($Value -is [bool]) { return '$' + $Value.ToString().ToLowerInvariant() }
    if ($Value -is [string]) { if ($Value.Length -eq 0) { return '<empty>' } return "'$Value'" }
    if ($Value -is [datetime]) { return $Value.ToString('o') }
    if ($Value -is [type]) { return "[$([string]$Value)]" }
    if ($Value -is [ValueType]) { return [string]$Value }
    if ($Value -is [scriptblock]) { return "{$Value}" }
    if ($Value -is [Collections.IDictionary]) { return [string]$Value }
    if ($Value -is [Collections.IEnumerable]) {
        $items = [Collections.Generic.List[string]]::new()
        $more = $false
        foreach ($item in $Value) {
            if ($items.Count -eq 10) { $more = $true; break }
            $items.Add((Format-Nicely $item))
        }
        return '@(' + ($items -join ', ') + $(if ($more) { ', ...' }) + ')'
    }
    [string]$Value
}

function Format-Because([string] $Because) {
    if ([string]::IsNullOrWhiteSpace($Because)) { return '' }
    " because $($Because.Trim() -replace 'because\s'),"
}

function Join-And([string[]] $Items) {
    if ($Items.Count -le 1) { return $Items -join '' }
    ($Items[0..($Items.Count - 2)] -join ', ') + ' and ' + $Items[-1]
}

function Test-NullOrEmptyArray([object[]] $Array) {
    $null -eq $Array -or $Array.Count -eq 0 -or ($Array.Count -eq 1 -and $null -eq $Array[0])
}

function Test-ArraysEqual([object[]] $First, [object[]] $Second, [bool] $CaseSensitive, [int] $Depth = 0) {
    if ($Depth -gt 100) { throw 'Reached the recursion depth limit of 100 when comparing arrays. Is one of your arrays cyclic?' }
    $firstEmpty = Test-NullOrEmptyArray @($First)
    $secondEmpty = Test-NullOrEmptyArray @($Second)
    if ($firstEmpty -or $secondEmpty) { return $firstEmpty -and $secondEmpty }
    if ($First.Count -ne $Second.Count) { return $false }
    for ($i = 0; $i -lt $First.Count; $i++) {
        if ($First[$i] -is [Array] -or $Second[$i] -is [Array]) {
            if (-not (Test-ArraysEqual $First[$i] $Second[$i] $CaseSensitive ($Depth + 1))) { return $false }
        }
        elseif ($CaseSensitive) { if (-not ($Second[$i] -ceq $First[$i])) { return $false } }
        elseif (-not ($Second[$i] -eq $First[$i])) { return $false }
    }
    $true
}

function Get-StringDifferenceMessage([string] $Expected, [string] $Actual, [bool] $CaseSensitive, [string] $Because) {
    $index = -1
    $length = [Math]::Max($Expected.Length, $Actual.Length)
    for ($i = 0; $i -lt $length -and $index -lt 0; $i++) {
        $e = if ($i -lt $Expected.Length) { [string]$Expected[$i] } else { $null }
        $a = if ($i -lt $Actual.Length) { [string]$Actual[$i] } else { $null }
        if (($CaseSensitive -and $e -cne $a) -or $e -ne $a) { $index = $i }
    }
    $escape = { param($s) $s -replace "`r", '\r' -replace "`n", '\n' -replace "`t", '\t' }
    $lines = @("Expected strings to be the same,$(Format-Because $Because) but they were different.")
    if ($Expected.Length -ne $Actual.Length) {
        $lines += "Expected length: $($Expected.Length)", "Actual length:   $($Actual.Length)"
    }
    else {
        $lines += "String lengths are both $($Expected.Length)."
    }
    $lines += "Strings differ at index $index.",
    "Expected: '$(& $escape $Expected)'",
    "But was:  '$(& $escape $Actual)'",
    ((' ' * 11) + ('-' * $index) + '^')
    $lines -join "`n"
}

function Get-BeFailure($Actual, $Expected, [bool] $Exactly, [bool] $Negate, [string] $Because) {
    if ($Negate) {
        return "Expected $(Format-Nicely $Expected) to be different from the actual value,$(Format-Because $Because) but got $(if ($Exactly) { 'exactly ' })the same value."
    }
    $Actual = $($Actual)
    $Expected = $($Expected)
    if ($Expected -is [string] -and $Actual -is [string]) {
        return Get-StringDifferenceMessage $Expected $Actual $Exactly $Because
    }
    "Expected $(if ($Exactly) { 'exactly ' })$(Format-Nicely $Expected),$(Format-Because $Because) but got $(Format-Nicely $Actual)."
}

function Get-ExceptionLineInfo($Info) {
    if ($null -eq $Info) { return '' }
    (($Info.PositionMessage -split '\r?\n' -match '\S') -join [Environment]::NewLine) -replace '^At ', 'from '
}

function Invoke-ThrowAssertion($Actual, [hashtable] $P, [bool] $Negate) {
    if ($Actual -isnot [scriptblock]) {
        throw [ArgumentException]"Input is missing or not a ScriptBlock. Input to '-Throw' and '-Not -Throw' must be enclosed in curly braces."
    }
    $thrown = $null
    try { $null = & $Actual } catch { $thrown = $_ }
    $because = Format-Because $P.Because
    if ($Negate) {
        if ($null -eq $thrown) { return @{ Succeeded = $true } }
        $line = (Get-ExceptionLineInfo $thrown.InvocationInfo) -replace [Environment]::NewLine, "$([Environment]::NewLine)    "
        return @{ Succeeded = $false; Message = "Expected no exception to be thrown,$because but an exception `"$($thrown.Exception.Message)`" was thrown $line." }
    }
    $filters = @(); $buts = @()
    if ($null -ne $P.ExceptionType) {
        $filters += "type $(Format-Nicely $P.ExceptionType)"
        if ($thrown -and $thrown.Exception -isnot $P.ExceptionType) { $buts += "the exception type was $(Format-Nicely $thrown.Exception.GetType())" }
    }
    if (-not [string]::IsNullOrWhiteSpace($P.ExpectedMessage)) {
        $filters += "message like $(Format-Nicely ([Management.Automation.WildcardPattern]::Unescape($P.ExpectedMessage)))"
        if ($thrown -and -not ($thrown.Exception.Message -like $P.ExpectedMessage)) { $buts += "the message was $(Format-Nicely $thrown.Exception.Message)" }
    }
    if (-not [string]::IsNullOrWhiteSpace($P.ErrorId)) {
        $filters += "FullyQualifiedErrorId $(Format-Nicely $P.ErrorId)"
        if ($thrown -and -not ($thrown.FullyQualifiedErrorId -like $P.ErrorId)) { $buts += "the FullyQualifiedErrorId was $(Format-Nicely $thrown.FullyQualifiedErrorId)" }
    }
    if ($null -eq $thrown) { $buts += 'no exception was thrown' }
    if ($buts.Count -gt 0) {
        $filter = Join-And $filters
        $line = if ($thrown) { (Get-ExceptionLineInfo $thrown.InvocationInfo) -replace [Environment]::NewLine, "$([Environment]::NewLine)    " } else { '' }
        return @{ Succeeded = $false; Message = "Expected an exception$(if ($filter) { " with $filter" }) to be thrown,$because but $(Join-And $buts). $line".Trim() }
    }
    @{ Succeeded = $true; Data = $thrown; HasData = [bool]$P.PassThru }
}

function Resolve-ExpectedType($Expected) {
    if ($Expected -is [type]) { return $Expected }
    $parsed = ([string]$Expected -replace '^\[(.*)\]$', '$1') -as [type]
    if ($null -eq $parsed) { throw [ArgumentException]"Could not find type [$Expected]. Make sure that the assembly that contains that type is loaded." }
    $parsed
}

function Resolve-ExistPath([string] $Path, [Management.Automation.SessionState] $State) {
    try { $State.Path.GetUnresolvedProviderPathFromPSPath($Path) } catch { $Path }
}

# One assertion on one value; returns @{ Succeeded; Message } (and Data for -Throw -PassThru).
function Invoke-Assertion([string] $Operator, $Actual, [hashtable] $P, [bool] $Negate, [Management.Automation.SessionState] $CallerState) {
    $expected = $P.ExpectedValue
    $because = Format-Because $P.Because
    $fail = { param($positive, $negative) @{ Succeeded = $false; Message = $(if ($Negate) { $negative } else { $positive }) } }
    switch ($Operator) {
        { $_ -in 'Be', 'BeExactly' } {
            $exactly = $Operator -eq 'BeExactly'
            $ok = (Test-ArraysEqual $Actual $expected $exactly) -xor $Negate
            if ($ok) { return @{ Succeeded = $true } }
            return @{ Succeeded = $false; Message = Get-BeFailure $Actual $expected $exactly $Negate $P.Because }
        }
        { $_ -in 'BeTrue', 'BeFalse' } {
            $wantTrue = ($Operator -eq 'BeTrue') -xor $Negate
            if ([bool]$Actual -eq $wantTrue) { return @{ Succeeded = $true } }
            return @{ Succeeded = $false; Message = "Expected `$$($wantTrue.ToString().ToLowerInvariant()),$because but got $(Format-Nicely $Actual)." }
        }
        'BeNullOrEmpty' {
            $values = [object[]]$Actual
            $empty = if ($null -eq $values -or $values.Count -eq 0) { $true }
            elseif ($values.Count -eq 1) { if ($values[0] -is [hashtable]) { $values[0].Count -eq 0 } else { [string]::IsNullOrEmpty($values[0]) } }
            else { $false }
            if ($empty -xor $Negate) { return @{ Succeeded = $true } }
            return & $fail "Expected `$null or empty,$because but got $(Format-Nicely $values)." "Expected a value,$because but got `$null or empty."
        }
        { $_ -in 'Match', 'MatchExactly' } {
            $exactly = $Operator -eq 'MatchExactly'
            $matched = if ($exactly) { $Actual -cmatch $expected } else { $Actual -match $expected }
            if ([bool]$matched -xor $Negate) { return @{ Succeeded = $true } }
            $how = if ($exactly) { 'case sensitively ' } else { '' }
            return & $fail "Expected regular expression $(Format-Nicely $expected) to $($how)match $(Format-Nicely $Actual),$because but it did not match." `
                "Expected regular expression $(Format-Nicely $expected) to not $($how)match $(Format-Nicely $Actual),$because but it did match."
        }
        { $_ -in 'BeLike', 'BeLikeExactly' } {
            $exactly = $Operator -eq 'BeLikeExactly'
            $matched = if ($exactly) { $Actual -clike $expected } else { $Actual -like $expected }
            if ([bool]$matched -xor $Negate) { return @{ Succeeded = $true } }
            $how = if ($exactly) { 'case sensitive ' } else { '' }
            return & $fail "Expected $($how)like wildcard $(Format-Nicely $expected) to match $(Format-Nicely $Actual),$because but it did not match." `
                "Expected $($how)like wildcard $(Format-Nicely $expected) to not match $(Format-Nicely $Actual),$because but it did match."
        }
        'Throw' { return Invoke-ThrowAssertion $Actual $P $Negate }
        'BeOfType' {
            $type = Resolve-ExpectedType $expected
            if (($Actual -is $type) -xor $Negate) { return @{ Succeeded = $true } }
            $actualType = if ($null -ne $Actual) { $Actual.GetType() } else { $null }
            $not = if ($Negate) { 'not ' } else { '' }
            return @{ Succeeded = $false; Message = "Expected the value to $($not)have type $(Format-Nicely $type) or any of its subtypes,$because but got $(Format-Nicely $Actual) with type $(Format-Nicely $actualType)." }
        }
        'HaveCount' {
            $want = [int]$expected
            if ($want -lt 0) { throw [ArgumentException]'Excpected collection size must be greater than or equal to 0.' }
            $count = if ($null -eq $Actual) { 0 } else { $Actual.Count }
            if (($count -eq $want) -xor $Negate) { return @{ Succeeded = $true } }
            if ($Negate) {
                $expect = if ($want -eq 0) { 'Expected a non-empty collection' } else { "Expected a collection with size different from $(Format-Nicely $want)" }
                $but = if ($count -ne 0) { "but got collection with that size $(Format-Nicely $Actual)." } else { 'but got an empty collection.' }
            }
            else {
                $expect = if ($want -eq 0) { 'Expected an empty collection' } else { "Expected a collection with size $(Format-Nicely $want)" }
                $but = if ($count -ne 0) { "but got collection with size $(Format-Nicely $count) $(Format-Nicely $Actual)." } else { 'but got an empty collection.' }
            }
            return @{ Succeeded = $false; Message = "$expect,$because $but" }
        }
        { $_ -in 'BeGreaterThan', 'BeLessOrEqual', 'BeLessThan', 'BeGreaterOrEqual' } {
            # -Not flips each operator into its complement, as in Pester.
            $op = if ($Negate) { @{ BeGreaterThan = 'BeLessOrEqual'; BeLessOrEqual = 'BeGreaterThan'; BeLessThan = 'BeGreaterOrEqual'; BeGreaterOrEqual = 'BeLessThan' }[$Operator] } else { $Operator }
            $ok = switch ($op) {
                'BeGreaterThan' { -not ($Actual -le $expected) }
                'BeLessOrEqual' { -not ($Actual -gt $expected) }
                'BeLessThan' { -not ($Actual -ge $expected) }
                'BeGreaterOrEqual' { -not ($Actual -lt $expected) }
            }
            $text = @{ BeGreaterThan = 'greater than'; BeLessOrEqual = 'less than or equal to'; BeLessThan = 'less than'; BeGreaterOrEqual = 'greater than or equal to' }[$op]
            if ($ok) { return @{ Succeeded = $true } }
            return @{ Succeeded = $false; Message = "Expected the actual value to be $text $(Format-Nicely $expected),$because but got $(Format-Nicely $Actual)." }
        }
        'Contain' {
            if (($Actual -contains $expected) -xor $Negate) { return @{ Succeeded = $true } }
            return & $fail "Expected $(Format-Nicely $expected) to be found in collection $(Format-Nicely $Actual),$because but it was not found." `
                "Expected $(Format-Nicely $expected) to not be found in collection $(Format-Nicely $Actual),$because but it was found."
        }
        'BeIn' {
            if (($expected -contains $Actual) -xor $Negate) { return @{ Succeeded = $true } }
            return & $fail "Expected collection $(Format-Nicely $expected) to contain $(Format-Nicely $Actual),$because but it was not found." `
                "Expected collection $(Format-Nicely $expected) to not contain $(Format-Nicely $Actual),$because but it was found."
        }
        'Exist' {
            $exists = $false
            if (-not [string]::IsNullOrEmpty($Actual)) {
                $full = Resolve-ExistPath ([string]$Actual) $CallerState
                $exists = [IO.File]::Exists($full) -or [IO.Directory]::Exists($full)
            }
            if ($exists -xor $Negate) { return @{ Succeeded = $true } }
            return & $fail "Expected path $(Format-Nicely $Actual) to exist,$because but it did not exist." `
                "Expected path $(Format-Nicely $Actual) to not exist,$because but it did exist."
        }
    }
}

$script:Operators = @('Be', 'BeExactly', 'BeTrue', 'BeFalse', 'BeNullOrEmpty', 'Match', 'MatchExactly', 'BeLike', 'BeLikeExactly',
    'Throw', 'BeOfType', 'HaveCount', 'BeGreaterThan', 'BeLessThan', 'BeGreaterOrEqual', 'BeLessOrEqual', 'Contain', 'BeIn', 'Exist')
# Operators that receive everything piped in as one array; the others test each piped object in turn.
$script:ArrayOperators = @('Be', 'BeExactly', 'BeNullOrEmpty', 'HaveCount', 'Contain')

function Should {
    <#
    .SYNOPSIS
        Pester 5's assertion: `$actual | Should [-Not] -Operator [expected] [-Because reason]`.
    #>
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline)] [AllowNull()] [object] $ActualValue,
        [Parameter(Position = 0)] [Alias('RegularExpression', 'ExpectedType')] [AllowNull()] [object] $ExpectedValue,
        [Parameter(Position = 1)] [string] $Because,
        [switch] $Not,
        [switch] $Be, [switch] $BeExactly, [switch] $BeTrue, [switch] $BeFalse, [switch] $BeNullOrEmpty,
        [switch] $Match, [switch] $MatchExactly, [switch] $BeLike, [switch] $BeLikeExactly,
        [switch] $Throw, [string] $ExpectedMessage, [string] $ErrorId, [type] $ExceptionType, [switch] $PassThru,
        [Alias('HaveType')] [switch] $BeOfType, [switch] $HaveCount,
        [Alias('GT')] [switch] $BeGreaterThan, [Alias('LT')] [switch] $BeLessThan,
        [Alias('GE')] [switch] $BeGreaterOrEqual, [Alias('LE')] [switch] $BeLessOrEqual,
        [switch] $Contain, [switch] $BeIn, [switch] $Exist
    )
    begin { $inputs = [Collections.Generic.List[object]]::new() }
    process { $inputs.Add($ActualValue) }
    end {
        $bound = $PSBoundParameters
        $operator = @(foreach ($name in $script:Operators) { if ($bound.ContainsKey($name)) { $name } })
        if ($operator.Count -ne 1) { throw "Should needs exactly one operator, such as -Be; got $($operator.Count)." }
        $operator = $operator[0]
        $parameters = @{
            ExpectedValue   = $ExpectedValue
            Because         = $Because
            ExpectedMessage = $(if ($ExpectedMessage) { $ExpectedMessage } elseif ($operator -eq 'Throw' -and $null -ne $ExpectedValue) { [string]$ExpectedValue })
            ErrorId         = $ErrorId
            ExceptionType   = $ExceptionType
            PassThru        = $PassThru.IsPresent
        }
        if ($inputs.Count -eq 0) { $values = @($null) }
        elseif ($script:ArrayOperators -contains $operator) { $values = [object[]]::new(1); $values[0] = $inputs.ToArray() }
        else { $values = $inputs.ToArray() }
        foreach ($value in $values) {
            $result = Invoke-Assertion $operator $value $parameters $Not.IsPresent $PSCmdlet.SessionState
            if (-not $result.Succeeded) {
                $target = @{ Message = $result.Message; File = $MyInvocation.ScriptName; Line = $MyInvocation.ScriptLineNumber; LineText = $MyInvocation.Line.Trim() }
                throw [Management.Automation.ErrorRecord]::new([Exception]::new($result.Message), 'PesterAssertionFailed', 'InvalidResult', $target)
            }
            if ($result.HasData) { $result.Data }
        }
    }
}

#endregion

Export-ModuleMember -Function Invoke-PesterSubset, Describe, Context, It, BeforeDiscovery, BeforeAll, AfterAll, BeforeEach, AfterEach, Should
