using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace NetFoundations.Core.Caching
{
    /// <summary>
    /// Chooses a server for a key. Server names are host:port as the user wrote them, which is what the hashes see:
    /// two clients agree on where a key lives when they name the servers alike.
    /// </summary>
    public abstract class KeyDistributor
    {
        protected KeyDistributor(IReadOnlyList<string> servers)
        {
            if (servers == null || servers.Count == 0)
                throw new ArgumentException("At least one server is needed.", nameof(servers));
            Servers = servers;
        }

        public IReadOnlyList<string> Servers { get; }

        /// <summary>The index in Servers of the server that holds key.</summary>
        public abstract int ServerFor(string key);

        public static KeyDistributor Create(KeyDistribution algorithm, IReadOnlyList<string> servers) => algorithm switch
        {
            KeyDistribution.Modulo => new ModuloDistributor(servers),
            KeyDistribution.Ketama => new KetamaDistributor(servers),
            KeyDistribution.Rendezvous => new RendezvousDistributor(servers),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Modulo, Ketama or Rendezvous."),
        };

        /// <summary>
        /// Each server's share of keys under each algorithm, and, when changed is given, how many keys map to another
        /// server after the change (a key that stays on a server present in both lists has not moved).
        /// </summary>
        public static IReadOnlyList<KeyDistributionReport> Measure(IEnumerable<string> keys, IReadOnlyList<string> servers,
            IReadOnlyList<string>? changed, IEnumerable<KeyDistribution> algorithms)
        {
            var distinct = new List<string>(new HashSet<string>(keys, StringComparer.Ordinal));
            var reports = new List<KeyDistributionReport>();
            foreach (var algorithm in algorithms)
            {
                var before = Create(algorithm, servers);
                var after = changed == null || changed.Count == 0 ? null : Create(algorithm, changed);
                var counts = new int[servers.Count];
                var moved = 0;
                foreach (var key in distinct)
                {
                    var server = before.ServerFor(key);
                    counts[server]++;
                    if (after != null && !string.Equals(servers[server], changed![after.ServerFor(key)], StringComparison.Ordinal))
                        moved++;
                }
                var shares = new KeyDistributionShare[servers.Count];
                for (var i = 0; i < servers.Count; i++)
                    shares[i] = new KeyDistributionShare(servers[i], counts[i], distinct.Count == 0 ? 0 : 100.0 * counts[i] / distinct.Count);
                reports.Add(new KeyDistributionReport(algorithm, distinct.Count, shares, after == null ? null : changed, after == null ? (int?)null : moved));
            }
            return reports;
        }
    }

    /// <summary>Cache::Memcached's classic choice: (CRC32(key) &gt;&gt; 16) &amp; 0x7fff, modulo the number of servers.</summary>
    public sealed class ModuloDistributor : KeyDistributor
    {
        public ModuloDistributor(IReadOnlyList<string> servers) : base(servers) { }

        public override int ServerFor(string key) =>
            Servers.Count == 1 ? 0 : (int)(((Hashes.Crc32(Encoding.UTF8.GetBytes(key)) >> 16) & 0x7fff) % (uint)Servers.Count);
    }

    /// <summary>
    /// libketama's continuum, unweighted: for each server, MD5 of "host:port-i" for i in 0..39, each digest giving four
    /// points (its 4-byte groups, little-endian), 160 points per server; a key goes to the first point at or after the
    /// first four bytes (little-endian) of its own MD5, wrapping around. The layout of libketama, libmemcached's
    /// MEMCACHED_BEHAVIOR_KETAMA and spymemcached's KETAMA_HASH with equal weights.
    /// </summary>
    public sealed class KetamaDistributor : KeyDistributor
    {
        public const int PointsPerServer = 160;
        private readonly uint[] points;
        private readonly int[] owners;

        public KetamaDistributor(IReadOnlyList<string> servers) : base(servers)
        {
            var continuum = new List<KeyValuePair<uint, int>>(servers.Count * PointsPerServer);
            using (var md5 = MD5.Create())
            {
                for (var s = 0; s < servers.Count; s++)
                {
                    for (var i = 0; i < PointsPerServer / 4; i++)
                    {
                        var digest = md5.ComputeHash(Encoding.UTF8.GetBytes($"{servers[s]}-{i}"));
                        for (var h = 0; h < 4; h++)
                            continuum.Add(new KeyValuePair<uint, int>(LittleEndian(digest, h * 4), s));
                    }
                }
            }
            // Equal points keep the order their servers were given in: the sort is stable by construction.
            var ordered = new List<KeyValuePair<uint, int>>(continuum);
            ordered.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Value.CompareTo(b.Value));
            points = new uint[ordered.Count];
            owners = new int[ordered.Count];
            for (var i = 0; i < ordered.Count; i++)
            {
                points[i] = ordered[i].Key;
                owners[i] = ordered[i].Value;
            }
        }

        /// <summary>The key's point on the continuum: the first four bytes of its MD5, little-endian.</summary>
        public static uint KeyPoint(string key)
        {
            using var md5 = MD5.Create();
            return LittleEndian(md5.ComputeHash(Encoding.UTF8.GetBytes(key)), 0);
        }

        public override int ServerFor(string key)
        {
            var point = KeyPoint(key);
            var index = Array.BinarySearch(points, point);
            if (index < 0)
                index = ~index;
            // Several servers may share a point: the first of them.
            while (index > 0 && points[index - 1] == point)
                index--;
            return owners[index == points.Length ? 0 : index];
        }

        private static uint LittleEndian(byte[] b, int at) =>
            (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);
    }

    /// <summary>
    /// pymemcache's RendezvousHash (HashClient's default): the server with the highest MurmurHash3 (32-bit, seed 0) of
    /// "host:port-key" wins, ties to the greater name. The hash reads the text's characters as pymemcache does
    /// (each character's low byte), so for ASCII keys (all pymemcache takes by default) both clients choose alike.
    /// </summary>
    public sealed class RendezvousDistributor : KeyDistributor
    {
        public RendezvousDistributor(IReadOnlyList<string> servers) : base(servers) { }

        public override int ServerFor(string key)
        {
            var winner = -1;
            long best = -1;
            for (var i = 0; i < Servers.Count; i++)
            {
                long score = Hashes.Murmur3Of(Servers[i] + "-" + key);
                if (score > best || (score == best && string.CompareOrdinal(Servers[i], Servers[winner]) > 0))
                {
                    best = score;
                    winner = i;
                }
            }
            return winner;
        }
    }

    /// <summary>The hash functions of the distributions.</summary>
    public static class Hashes
    {
        private static readonly uint[] CrcTable = MakeCrcTable();

        /// <summary>CRC-32 (IEEE 802.3, as zlib's crc32).</summary>
        public static uint Crc32(byte[] data)
        {
            var crc = 0xFFFFFFFFu;
            foreach (var b in data)
                crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc ^ 0xFFFFFFFFu;
        }

        private static uint[] MakeCrcTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                var c = n;
                for (var k = 0; k < 8; k++)
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }

        /// <summary>MurmurHash3 x86 32-bit over bytes.</summary>
        public static uint Murmur3(byte[] data, uint seed = 0)
        {
            const uint c1 = 0xcc9e2d51, c2 = 0x1b873593;
            var h1 = seed;
            var rounded = data.Length & ~3;
            for (var i = 0; i < rounded; i += 4)
            {
                var k1 = (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
                k1 *= c1;
                k1 = (k1 << 15) | (k1 >> 17);
                k1 *= c2;
                h1 ^= k1;
                h1 = (h1 << 13) | (h1 >> 19);
                h1 = h1 * 5 + 0xe6546b64;
            }
            uint tail = 0;
            switch (data.Length & 3)
            {
                case 3:
                    tail = (uint)data[rounded + 2] << 16;
                    goto case 2;
                case 2:
                    tail |= (uint)data[rounded + 1] << 8;
                    goto case 1;
                case 1:
                    tail |= data[rounded];
                    tail *= c1;
                    tail = (tail << 15) | (tail >> 17);
                    tail *= c2;
                    h1 ^= tail;
                    break;
            }
            h1 ^= (uint)data.Length;
            h1 ^= h1 >> 16;
            h1 *= 0x85ebca6b;
            h1 ^= h1 >> 13;
            h1 *= 0xc2b2ae35;
            h1 ^= h1 >> 16;
            return h1;
        }

        /// <summary>MurmurHash3 of text as pymemcache computes it: each character's low byte.</summary>
        public static uint Murmur3Of(string text)
        {
            var bytes = new byte[text.Length];
            for (var i = 0; i < text.Length; i++)
                bytes[i] = (byte)text[i];
            return Murmur3(bytes);
        }
    }
}
