using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Xml.Linq;

namespace NetFoundations.PowerShell.Tests
{
    /// <summary>What every cmdlet of the built module owes its users: help, a table view, a sound manifest.</summary>
    public class ModuleContractTests : IClassFixture<ModuleSession>
    {
        private static readonly HashSet<string> CommonParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
            "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
        };

        private readonly ModuleSession session;

        public ModuleContractTests(ModuleSession session)
        {
            this.session = session;
        }

        private string ModuleFolder => Path.GetDirectoryName(session.ManifestPath)!;

        private IReadOnlyList<CmdletInfo> Cmdlets() =>
            session.Run("Get-Command -Module NetFoundations -CommandType Cmdlet").Output
                .Select(o => (CmdletInfo)o.BaseObject).ToList();

        [Fact]
        public void The_manifest_is_valid_and_exports_exactly_the_cmdlets_it_names()
        {
            var result = session.Run($"Test-ModuleManifest -Path '{session.ManifestPath}'");
            Assert.Empty(result.Errors);
            var manifest = (PSModuleInfo)Assert.Single(result.Output).BaseObject;
            Assert.Contains("Desktop", manifest.CompatiblePSEditions);
            Assert.Contains("Core", manifest.CompatiblePSEditions);
            Assert.Equal(new Version(5, 1), manifest.PowerShellVersion);
            var listed = manifest.ExportedCmdlets.Keys.OrderBy(n => n).ToList();
            var exported = Cmdlets().Select(c => c.Name).OrderBy(n => n).ToList();
            Assert.NotEmpty(exported);
            Assert.Equal(listed, exported);
        }

        [Fact]
        public void The_module_carries_no_copy_of_the_engine()
        {
            Assert.Empty(Directory.GetFiles(ModuleFolder, "System.Management.Automation.dll", SearchOption.AllDirectories));
            Assert.True(File.Exists(Path.Combine(ModuleFolder, "dependencies", "NetFoundations.Core.dll")));
            Assert.False(File.Exists(Path.Combine(ModuleFolder, "NetFoundations.Core.dll")), "Core must not sit where the default load context finds it.");
            Assert.True(File.Exists(Path.Combine(ModuleFolder, "NetFoundations.Types.dll")), "The public types sit beside the cmdlets, in the default context.");
            Assert.False(File.Exists(Path.Combine(ModuleFolder, "dependencies", "NetFoundations.Types.dll")), "A second copy would give Core types of its own.");
        }

        [Fact]
        public void Every_cmdlet_has_full_help()
        {
            var gaps = new List<string>();
            foreach (var cmdlet in Cmdlets())
            {
                var help = session.Run($"Get-Help {cmdlet.Name} -Full").Output.Single();
                var synopsis = help.Properties["Synopsis"]?.Value?.ToString()?.Trim() ?? string.Empty;
                if (synopsis.Length == 0 || synopsis.StartsWith(cmdlet.Name, StringComparison.OrdinalIgnoreCase))
                    gaps.Add($"{cmdlet.Name}: no synopsis");
                if (Text(help, "description").Length == 0)
                    gaps.Add($"{cmdlet.Name}: no description");
                var examples = session.Run($"@((Get-Help {cmdlet.Name} -Full).examples.example).Count").Output.Single();
                if ((int)examples.BaseObject < 2)
                    gaps.Add($"{cmdlet.Name}: {examples} examples");
                foreach (var parameter in cmdlet.Parameters.Keys.Where(p => !CommonParameters.Contains(p)))
                {
                    var described = session.Run(
                        $"$p = Get-Help {cmdlet.Name} -Parameter {parameter} -ErrorAction SilentlyContinue; if ($p) {{ ($p.description | ForEach-Object Text) -join '' }}").Output;
                    if (described.Count == 0 || string.IsNullOrWhiteSpace(described[0]?.ToString()))
                        gaps.Add($"{cmdlet.Name} -{parameter}: not described");
                }
            }
            Assert.True(gaps.Count == 0, string.Join(Environment.NewLine, gaps));
        }

        [Fact]
        public void Every_output_type_has_a_table_view()
        {
            var tableViews = new HashSet<string>(
                Directory.GetFiles(ModuleFolder, "*.Format.ps1xml")
                    .SelectMany(file => XDocument.Load(file).Descendants("View"))
                    .Where(view => view.Element("TableControl") != null)
                    .SelectMany(view => view.Descendants("TypeName").Select(t => t.Value.Trim())));
            var missing = Cmdlets()
                .SelectMany(c => c.OutputType.Select(t => (c.Name, Type: t.Type?.FullName ?? t.Name)))
                .Where(o => !o.Type.StartsWith("System.", StringComparison.Ordinal) && !tableViews.Contains(o.Type))
                .Select(o => $"{o.Name}: {o.Type}")
                .ToList();
            Assert.True(missing.Count == 0, "No table view for: " + string.Join(", ", missing));
            Assert.All(Cmdlets(), c => Assert.NotEmpty(c.OutputType));
        }

        private static string Text(PSObject help, string property)
        {
            var value = help.Properties[property]?.Value;
            if (value == null) return string.Empty;
            var parts = LanguagePrimitives.GetEnumerable(value)?.Cast<object>() ?? new[] { value };
            return string.Join(" ", parts.Select(p => PSObject.AsPSObject(p).Properties["Text"]?.Value?.ToString() ?? p.ToString())).Trim();
        }
    }
}
