using System;
using System.Linq;
using System.Text;
using NetFoundations.Core.Caching;

namespace NetFoundations.Core.Tests.Caching
{
    /// <summary>The key distributions as pure computation: hash vectors, balance, and how many keys move.</summary>
    public sealed class KeyDistributionTests
    {
        private static readonly string[] Four = { "10.0.0.1:11211", "10.0.0.2:11211", "10.0.0.3:11211", "10.0.0.4:11211" };
        private static readonly string[] Words = Enumerable.Range(0, 20_000).Select(i => $"word{i * 7919 % 100_003}").ToArray();

        [Theory]
        [InlineData("", 0x00000000u)]
        [InlineData("hello", 0x248bfa47u)]
        [InlineData("The quick brown fox jumps over the lazy dog", 0x2e4ff723u)]
        public void Murmur3MatchesTheReferenceVectors(string text, uint expected) =>
            Assert.Equal(expected, Hashes.Murmur3(Encoding.ASCII.GetBytes(text)));

        [Fact]
        public void Crc32MatchesTheCheckValue() => Assert.Equal(0xCBF43926u, Hashes.Crc32(Encoding.ASCII.GetBytes("123456789")));

        [Fact]
        public void KetamaPlacesAKeyOnTheFirstPointAtOrAfterItsMd5()
        {
            // libketama: the key's point is the first four bytes of its MD5, little-endian.
            var md5 = System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes("foo"));
            Assert.Equal(BitConverter.ToUInt32(md5, 0), KetamaDistributor.KeyPoint("foo"));
        }

        [Theory]
        [InlineData(KeyDistribution.Modulo)]
        [InlineData(KeyDistribution.Ketama)]
        [InlineData(KeyDistribution.Rendezvous)]
        public void EveryAlgorithmSharesKeysFairlyAmongFourServers(KeyDistribution algorithm)
        {
            var report = KeyDistributor.Measure(Words, Four, null, new[] { algorithm }).Single();

            Assert.Equal(Words.Distinct().Count(), report.KeyCount);
            Assert.Equal(report.KeyCount, report.Shares.Sum(s => s.Keys));
            Assert.InRange(report.Imbalance, 1.0, 1.25);
            Assert.Null(report.MovedKeys);
        }

        [Fact]
        public void AddingAFifthServerMovesMostKeysUnderModuloAndAboutAFifthUnderTheConsistentOnes()
        {
            var five = Four.Append("10.0.0.5:11211").ToArray();

            var reports = KeyDistributor.Measure(Words, Four, five, new[] { KeyDistribution.Modulo, KeyDistribution.Ketama, KeyDistribution.Rendezvous })
                .ToDictionary(r => r.Algorithm);

            Assert.InRange(reports[KeyDistribution.Modulo].MovedPercent!.Value, 70, 90);
            Assert.InRange(reports[KeyDistribution.Ketama].MovedPercent!.Value, 12, 28);
            Assert.InRange(reports[KeyDistribution.Rendezvous].MovedPercent!.Value, 17, 23);
        }

        [Fact]
        public void RemovingAServerMovesOnlyItsKeysUnderTheConsistentOnes()
        {
            var three = Four.Take(3).ToArray();
            foreach (var algorithm in new[] { KeyDistribution.Ketama, KeyDistribution.Rendezvous })
            {
                var report = KeyDistributor.Measure(Words, Four, three, new[] { algorithm }).Single();
                Assert.Equal(report.Shares[3].Keys, report.MovedKeys);
            }
        }
    }
}
