using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NetFoundations.PowerShell.Tests
{
    /// <summary>What one script run in the engine produced.</summary>
    public sealed class EngineResult
    {
        public EngineResult(Collection<PSObject> output, IReadOnlyList<ErrorRecord> errors, IReadOnlyList<string> verbose, IReadOnlyList<string> warnings)
        {
            Output = output;
            Errors = errors;
            Verbose = verbose;
            Warnings = warnings;
        }

        public Collection<PSObject> Output { get; }
        public IReadOnlyList<ErrorRecord> Errors { get; }
        public IReadOnlyList<string> Verbose { get; }
        public IReadOnlyList<string> Warnings { get; }

        /// <summary>The one error, with its ErrorId (the part of FullyQualifiedErrorId before the comma).</summary>
        public ErrorRecord SingleError => Assert.Single(Errors);

        public static string ErrorId(ErrorRecord error) => error.FullyQualifiedErrorId.Split(',')[0];
    }

    /// <summary>
    /// A runspace on the real engine with the built module imported (from NETFOUNDATIONS_MODULE,
    /// else out/NetFoundations/*/ in the repository). One per test class, through IClassFixture.
    /// </summary>
    public sealed class ModuleSession : IDisposable
    {
        private readonly Runspace runspace;

        public ModuleSession()
        {
            ManifestPath = FindManifest();
            var state = InitialSessionState.CreateDefault2();
            runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
            var imported = Run($"Import-Module '{ManifestPath}' -PassThru");
            if (imported.Errors.Count > 0)
                throw new InvalidOperationException("Import-Module failed: " + imported.Errors[0]);
        }

        public string ManifestPath { get; }

        /// <summary>Runs script text; terminating errors are returned as errors, not thrown.</summary>
        public EngineResult Run(string script, IDictionary<string, object?>? variables = null)
        {
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            if (variables != null)
                foreach (var pair in variables)
                    runspace.SessionStateProxy.SetVariable(pair.Key, pair.Value);
            ps.AddScript(script);
            Collection<PSObject> output;
            var errors = new List<ErrorRecord>();
            try
            {
                output = ps.Invoke();
            }
            catch (RuntimeException e)
            {
                output = new Collection<PSObject>();
                errors.Add(e.ErrorRecord);
            }
            errors.InsertRange(0, ps.Streams.Error);
            return new EngineResult(output, errors,
                ps.Streams.Verbose.Select(v => v.Message).ToList(),
                ps.Streams.Warning.Select(w => w.Message).ToList());
        }

        public static string RepositoryRoot() => NetFoundations.Tests.RepositoryPaths.Root();

        private static string FindManifest()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("NETFOUNDATIONS_MODULE");
            if (!string.IsNullOrEmpty(fromEnvironment))
                return fromEnvironment;
            var built = Path.Combine(RepositoryRoot(), "out", "NetFoundations");
            var manifest = Directory.Exists(built)
                ? Directory.GetFiles(built, "NetFoundations.psd1", SearchOption.AllDirectories).OrderByDescending(p => p).FirstOrDefault()
                : null;
            return manifest ?? throw new InvalidOperationException("The module is not built: run build.ps1 -Task Build first.");
        }

        public void Dispose() => runspace.Dispose();
    }
}
