using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FluentFTP;

namespace NetFoundations.Core.Ftp
{
    /// <summary>
    /// A file's hash as the server computes it, to compare with the copy here: HASH (draft-bryan-ftpext-hash, the
    /// algorithm chosen with OPTS HASH) where FEAT offers it, else XSHA256, XSHA1, XMD5 or XCRC.
    /// </summary>
    internal static class FtpHashes
    {
        private static readonly (FtpCapability Command, string Name, string Algorithm, int HexLength)[] XCommands =
        {
            (FtpCapability.XSHA256, "XSHA256", "SHA-256", 64),
            (FtpCapability.XSHA1, "XSHA1", "SHA-1", 40),
            (FtpCapability.XMD5, "XMD5", "MD5", 32),
            (FtpCapability.XCRC, "XCRC", "CRC32", 8),
        };

        private static readonly (string Algorithm, int HexLength)[] HashAlgorithms =
        {
            ("SHA-256", 64), ("SHA-1", 40), ("MD5", 32), ("CRC32", 8),
        };

        /// <summary>The server's hash of path (algorithm, lower-case hex), or null when it offers none it could give.</summary>
        public static async Task<(string Algorithm, string Hex)?> RemoteAsync(AsyncFtpClient client, string path, Transcript transcript, CancellationToken token)
        {
            if (client.HasFeature(FtpCapability.HASH))
            {
                var offered = OfferedHashAlgorithms(client);
                foreach (var (algorithm, length) in HashAlgorithms.Where(a => offered.Contains(a.Algorithm)))
                {
                    var chosen = await client.Execute("OPTS HASH " + algorithm, token).ConfigureAwait(false);
                    if (!chosen.Success)
                        continue;
                    var reply = await client.Execute("HASH " + path, token).ConfigureAwait(false);
                    var hex = reply.Success ? HexIn(reply.Message, length) : null;
                    if (hex != null)
                        return (algorithm, hex);
                }
            }
            foreach (var (command, name, algorithm, length) in XCommands)
            {
                if (!client.HasFeature(command))
                    continue;
                var reply = await client.Execute($"{name} {path}", token).ConfigureAwait(false);
                var hex = reply.Success ? HexIn(reply.Message, length) : null;
                if (hex != null)
                    return (algorithm, hex);
                transcript.Note($"{name} gave no {algorithm} value: {reply.Code} {reply.Message}");
            }
            return null;
        }

        /// <summary>The same hash of a local file.</summary>
        public static async Task<string> LocalAsync(string algorithm, string path, CancellationToken token)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            if (algorithm == "CRC32")
                return (await Crc32Async(file, token).ConfigureAwait(false)).ToString("x8", CultureInfo.InvariantCulture);
            using HashAlgorithm hash = algorithm switch
            {
                "SHA-256" => SHA256.Create(),
                "SHA-1" => SHA1.Create(),
                _ => MD5.Create(),
            };
            var buffer = new byte[81920];
            int read;
            while ((read = await file.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                hash.TransformBlock(buffer, 0, read, null, 0);
            hash.TransformFinalBlock(buffer, 0, 0);
            return string.Concat(hash.Hash!.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }

        private static string[] OfferedHashAlgorithms(AsyncFtpClient client)
        {
            var offered = client.HashAlgorithms.ToString().Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries);
            return offered.Select(a => a switch
            {
                "SHA256" => "SHA-256",
                "SHA1" => "SHA-1",
                "SHA512" => "SHA-512",
                "CRC" => "CRC32",
                _ => a,
            }).ToArray();
        }

        /// <summary>The one word of the reply that is hex of the algorithm's length (replies put the range and the name around it).</summary>
        internal static string? HexIn(string message, int length)
        {
            foreach (Match word in Regex.Matches(message ?? string.Empty, "[0-9A-Fa-f]+"))
                if (word.Length == length && (word.Index == 0 || char.IsWhiteSpace(message![word.Index - 1]))
                    && (word.Index + word.Length == message!.Length || char.IsWhiteSpace(message[word.Index + word.Length])))
                    return word.Value.ToLowerInvariant();
            return null;
        }

        private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
        {
            var c = (uint)n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        private static async Task<uint> Crc32Async(Stream stream, CancellationToken token)
        {
            var crc = 0xFFFFFFFFu;
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, token).ConfigureAwait(false)) > 0)
                for (var i = 0; i < read; i++)
                    crc = CrcTable[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
            return crc ^ 0xFFFFFFFFu;
        }
    }
}
