using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace NetFoundations.PowerShell.Tests.PesterSubset
{
    /// <summary>
    /// Runs tests/PesterSubset/PesterSubset.psm1 in the engine on the sample files in tests/PesterSubset/Samples,
    /// each written so that real Pester 5 gives the same results.
    /// </summary>
    public sealed class PesterSubsetTests
    {
        private sealed record TestResult(string FullName, string Result, string? Message, int Line);

        private sealed record RunResult(int Passed, int Failed, int Skipped, int Total, IReadOnlyList<TestResult> Tests, string Output)
        {
            public TestResult Test(string fullName) => Assert.Single(Tests, t => t.FullName == fullName);
            public string LastLine => Output.TrimEnd().Split('\n').Last().TrimEnd('\r');
        }

        private static RunResult Run(string sample, Action<System.Management.Automation.PowerShell>? options = null)
        {
            var folder = Path.Combine(ModuleSession.RepositoryRoot(), "tests", "PesterSubset");
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            using var ps = System.Management.Automation.PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddCommand("Import-Module").AddParameter("Name", Path.Combine(folder, "PesterSubset.psm1")).AddParameter("Force");
            ps.Invoke();
            ps.Commands.Clear();
            var output = new StringWriter();
            ps.AddCommand("Invoke-PesterSubset").AddParameter("Path", Path.Combine(folder, "Samples", sample)).AddParameter("Output", output);
            options?.Invoke(ps);
            var run = Assert.Single(ps.Invoke());
            Assert.Empty(ps.Streams.Error);
            T Get<T>(PSObject o, string name) => (T)LanguagePrimitives.ConvertTo(o.Properties[name].Value, typeof(T));
            var tests = ((IEnumerable<object>)Get<object[]>(run, "Tests")).Cast<PSObject>()
                .Select(t => new TestResult(Get<string>(t, "FullName"), Get<string>(t, "Result"), Get<string?>(t, "Message"), Get<int>(t, "Line")))
                .ToList();
            return new RunResult(Get<int>(run, "PassedCount"), Get<int>(run, "FailedCount"), Get<int>(run, "SkippedCount"), Get<int>(run, "TotalCount"), tests, output.ToString());
        }

        [Fact]
        public void Scoping_FollowsPester5()
        {
            var run = Run("Scoping.Tests.ps1");
            Assert.True(run.Failed == 0, run.Output);
            Assert.Equal(13, run.Passed);
            Assert.Equal("13 passed, 0 failed", run.LastLine);
            Assert.Equal("Passed", run.Test("Generated in discovery.case two").Result);
            Assert.Equal("Passed", run.Test("Scoping.does not see the variable of the previous test").Result);
        }

        [Fact]
        public void ForEach_ExpandsDataAndTemplates()
        {
            var run = Run("ForEach.Tests.ps1");
            Assert.Equal((9, 1, 0), (run.Passed, run.Failed, run.Skipped));
            Assert.Equal("Passed", run.Test("Describe alpha.adds 1 and 2 to 3").Result);
            Assert.Equal("Passed", run.Test("Describe beta.has the block data beta in its tests").Result);
            Assert.Equal("Passed", run.Test("Plain values.value y").Result);
            Assert.Equal("Passed", run.Test("Plain values.user Ann is 30").Result);
            Assert.DoesNotContain(run.Tests, t => t.FullName.Contains("never generated"));
            var failed = run.Test("Plain values.fails for 5");
            Assert.Equal(("Failed", "Expected 6, but got 5."), (failed.Result, failed.Message));
            Assert.Equal(38, failed.Line);
            Assert.Contains("[-] Plain values.fails for 5", run.Output);
            Assert.Contains("ForEach.Tests.ps1:38", run.Output);
        }

        [Fact]
        public void Skip_CountsSkippedTestsAndRunsNoSkippedCode()
        {
            var run = Run("Skip.Tests.ps1");
            Assert.Equal((3, 0, 3, 6), (run.Passed, run.Failed, run.Skipped, run.Total));
            Assert.Equal("Skipped", run.Test("Skipping.Skipped block.inner two").Result);
            Assert.Contains("[!] Skipping.is skipped", run.Output);
            Assert.Equal("3 passed, 0 failed, 3 skipped", run.LastLine);
        }

        [Fact]
        public void Filters_SelectByTagAndFullName()
        {
            var excluded = Run("Skip.Tests.ps1", ps => ps.AddParameter("ExcludeTag", new[] { "Slow" }));
            Assert.Equal((1, 0, 3), (excluded.Passed, excluded.Failed, excluded.Skipped));

            var tagged = Run("Skip.Tests.ps1", ps => ps.AddParameter("Tag", new[] { "Network" }));
            Assert.Equal("Tagged.has a tag of its own", Assert.Single(tagged.Tests).FullName);

            var byName = Run("ForEach.Tests.ps1", ps => ps.AddParameter("FullNameFilter", "Plain values.value"));
            Assert.Equal(new[] { "Plain values.value x", "Plain values.value y" }, byName.Tests.Select(t => t.FullName));

            var byWildcard = Run("ForEach.Tests.ps1", ps => ps.AddParameter("FullNameFilter", "Describe*.adds*"));
            Assert.Equal(4, byWildcard.Passed);
            Assert.Equal(4, byWildcard.Total);
        }

        [Fact]
        public void Should_EveryOperatorPasses()
        {
            var run = Run("ShouldPasses.Tests.ps1");
            Assert.True(run.Failed == 0, run.Output);
            Assert.Equal(13, run.Passed);
        }

        [Theory]
        [InlineData("Be", "Expected 3, but got 4.")]
        [InlineData("Be with because", "Expected 3, because math, but got 4.")]
        [InlineData("Be strings", "Expected strings to be the same, but they were different.\nString lengths are both 3.\nStrings differ at index 2.\nExpected: 'abd'\nBut was:  'abc'\n           --^")]
        [InlineData("Be arrays", "Expected @(1, 3), but got @(1, 2).")]
        [InlineData("Not Be", "Expected 3 to be different from the actual value, but got the same value.")]
        [InlineData("BeExactly", "Expected strings to be the same, but they were different.\nString lengths are both 3.\nStrings differ at index 0.\nExpected: 'ABC'\nBut was:  'abc'\n           ^")]
        [InlineData("BeTrue", "Expected $true, but got $false.")]
        [InlineData("BeFalse", "Expected $false, but got 1.")]
        [InlineData("BeNullOrEmpty", "Expected $null or empty, but got @('x').")]
        [InlineData("Not BeNullOrEmpty", "Expected a value, but got $null or empty.")]
        [InlineData("Match", "Expected regular expression 'x' to match 'abc', but it did not match.")]
        [InlineData("MatchExactly", "Expected regular expression 'A' to case sensitively match 'abc', but it did not match.")]
        [InlineData("Throw without exception", "Expected an exception to be thrown, but no exception was thrown.")]
        [InlineData("Throw message", "Expected an exception with message like 'bang' to be thrown, but the message was 'boom'. from *ShouldFailures.Tests.ps1:16 char:28*")]
        [InlineData("Throw ErrorId is a wildcard, not a substring", "Expected an exception with FullyQualifiedErrorId 'CommandNotFoundException' to be thrown, but the FullyQualifiedErrorId was 'CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand'. from *")]
        [InlineData("Not Throw", "Expected no exception to be thrown, but an exception \"boom\" was thrown from *ShouldFailures.Tests.ps1:20 char:24*")]
        [InlineData("BeOfType", "Expected the value to have type [int] or any of its subtypes, but got 'x' with type [string].")]
        [InlineData("HaveCount", "Expected a collection with size 3, but got collection with size 2 @(1, 2).")]
        [InlineData("HaveCount of nothing", "Expected a collection with size 1, but got an empty collection.")]
        [InlineData("BeGreaterThan", "Expected the actual value to be greater than 2, but got 1.")]
        [InlineData("BeLessThan", "Expected the actual value to be less than 2, but got 3.")]
        [InlineData("BeGreaterOrEqual", "Expected the actual value to be greater than or equal to 2, but got 1.")]
        [InlineData("BeLessOrEqual", "Expected the actual value to be less than or equal to 2, but got 3.")]
        [InlineData("Contain", "Expected 3 to be found in collection @(1, 2), but it was not found.")]
        [InlineData("BeIn", "Expected collection @(1, 2) to contain 3, but it was not found.")]
        [InlineData("Exist", "Expected path '/no/such/path' to exist, but it did not exist.")]
        [InlineData("plain throw", "plain failure")]
        [InlineData("stops at the first failed Should", "Expected 3, but got 2.")]
        public void Should_FailsWithPesterMessage(string test, string expected)
        {
            var run = Run("ShouldFailures.Tests.ps1", ps => ps.AddParameter("FullNameFilter", "Should fails." + test));
            var result = Assert.Single(run.Tests, t => t.FullName == "Should fails." + test);
            Assert.Equal("Failed", result.Result);
            // only * is a wildcard here
            Assert.True(new WildcardPattern(WildcardPattern.Escape(expected).Replace("`*", "*")).IsMatch(result.Message), $"Expected message like:\n{expected}\nbut got:\n{result.Message}");
        }

        [Fact]
        public void Should_FailuresAllCount()
        {
            var run = Run("ShouldFailures.Tests.ps1");
            Assert.Equal((0, 28), (run.Passed, run.Failed));
            Assert.Equal("0 passed, 28 failed", run.LastLine);
            Assert.Equal(3, run.Test("Should fails.Be").Line);
        }

        [Fact]
        public void BeforeAllFailure_FailsEveryTestOfTheBlock()
        {
            var run = Run("BeforeAllFailure.Tests.ps1");
            Assert.Equal((1, 3), (run.Passed, run.Failed));
            foreach (var name in new[] { "Broken setup.first", "Broken setup.second", "Broken setup.Nested.third" })
                Assert.Equal(("Failed", "BeforeAll failed: setup exploded"), (run.Test(name).Result, run.Test(name).Message));
            Assert.Equal("Passed", run.Test("Healthy neighbour.still runs").Result);
        }

        [Fact]
        public void AfterAll_RunsLastEvenAfterAFailureAndItsOwnFailureIsReported()
        {
            var run = Run("AfterAllOrder.Tests.ps1");
            Assert.Equal((3, 2), (run.Passed, run.Failed));
            Assert.Equal("Passed", run.Test("Order check.ran setups outer to inner, teardowns inner to outer, and AfterAll despite the failure").Result);
            Assert.Equal("Failed", run.Test("Ordered.Inner.fails on purpose").Result);
            Assert.Equal("AfterAll failed: teardown exploded", run.Test("Failing teardown (AfterAll)").Message);
        }

        [Fact]
        public void DiscoveryFailure_IsAFailure()
        {
            var run = Run("DiscoveryFailure.Tests.ps1");
            Assert.Equal((0, 1), (run.Passed, run.Failed));
            Assert.Equal("Discovery failed: discovery exploded", run.Test("DiscoveryFailure.Tests.ps1 (discovery)").Message);
        }
    }
}
