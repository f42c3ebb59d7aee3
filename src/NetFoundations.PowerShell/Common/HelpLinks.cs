namespace NetFoundations.PowerShell
{
    /// <summary>
    /// Where Get-Help -Online goes: one page per cmdlet in the repository's docs/cmdlets, which build.ps1 -Task Docs
    /// writes from the cmdlet's MAML help (en-US/cmdlets), so the page and Get-Help say the same.
    /// </summary>
    internal static class HelpLinks
    {
        public const string Base = "https://github.com/netfoundations/NetFoundations/blob/main/docs/cmdlets/";
    }
}
