using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// Reads a response body into a sink, decompressing it (gzip, deflate, br) and bounding it: the announced length,
    /// the bytes on the wire and the bytes after decompression (a gzip bomb stops at the bound) each within the limit.
    /// </summary>
    internal static class HttpClientBodyReader
    {
        private const int ChunkSize = 1 << 16;

        /// <summary>
        /// Copies the body into sink; returns its length after decompression and its bytes on the wire. Over the bound is a
        /// ProtocolViolationException naming it. already: the bytes the sink held before (a resumed file), for progress.
        /// </summary>
        public static async Task<(long Length, long Wire)> ReadAsync(HttpResponseMessage response, Stream sink, long limit, string target,
            HttpTransferProgress? progress, CancellationToken cancellationToken, long already = 0)
        {
            var announced = response.Content.Headers.ContentLength;
            if (announced > limit)
                throw TooLong(target, limit, $"announced a body of {announced} bytes");
            var encoding = response.Content.Headers.ContentEncoding.LastOrDefault()?.ToLowerInvariant();
            progress?.Start(already, announced != null && encoding == null ? announced.Value + already : -1);
            using var raw = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var wire = new CountingStream(raw);
            using var decoded = Decoder(wire, encoding);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                return await CopyAsync(decoded, wire, buffer, sink, limit, target, encoding, progress, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private static async Task<(long Length, long Wire)> CopyAsync(Stream decoded, CountingStream wire, byte[] buffer, Stream sink, long limit,
            string target, string? encoding, HttpTransferProgress? progress, CancellationToken cancellationToken)
        {
            long length = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await decoded.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    throw new ProtocolViolationException($"{target} sent a body that is not valid {encoding}: {e.Message}", target, e);
                }
                catch (IOException e) when (!cancellationToken.IsCancellationRequested && !(e.InnerException is System.Net.Sockets.SocketException))
                {
                    throw new ConnectionLostException($"The body from {target} ended early: {e.Message}", target, e);
                }
                if (read == 0)
                    return (length, wire.Count);
                length += read;
                if (length > limit)
                    throw TooLong(target, limit, encoding != null ? $"sent a body that decompresses ({encoding}) to more than {limit} bytes" : $"sent more than {limit} bytes of body");
                if (wire.Count > limit)
                    throw TooLong(target, limit, $"sent more than {limit} bytes of body");
                await sink.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
                progress?.Add(read);
            }
        }

        private static ProtocolViolationException TooLong(string target, long limit, string what) =>
            new ProtocolViolationException($"{target} {what}, more than the {limit} bytes that -MaximumBodyBytes allows.", target);

        private static Stream Decoder(Stream wire, string? encoding)
        {
            switch (encoding)
            {
                case "gzip":
                case "x-gzip":
                    return new GZipStream(wire, CompressionMode.Decompress);
                case "deflate":
                    // HTTP's deflate is the zlib format (RFC 1950): a 2-byte header before the deflate data.
#if NET
                    return new ZLibStream(wire, CompressionMode.Decompress);
#else
                    wire.ReadByte();
                    wire.ReadByte();
                    return new DeflateStream(wire, CompressionMode.Decompress);
#endif
#if NET
                case "br":
                    return new BrotliStream(wire, CompressionMode.Decompress);
#endif
                default:
                    // identity, or a coding not asked for: the body as it came.
                    return wire;
            }
        }

        /// <summary>The body as text for a textual (or unstated) content type, in its charset (UTF-8 when none or unknown); else null.</summary>
        public static string? Text(byte[] body, HttpResponseMessage response)
        {
            var type = response.Content.Headers.ContentType;
            var media = type?.MediaType?.ToLowerInvariant();
            var textual = media == null || media.StartsWith("text/", StringComparison.Ordinal) || media.Contains("json") || media.Contains("xml")
                || media.Contains("javascript") || media == "application/x-www-form-urlencoded";
            if (!textual)
                return null;
            Encoding encoding = new UTF8Encoding(false);
            if (type?.CharSet != null)
            {
                try
                {
                    encoding = Encoding.GetEncoding(type.CharSet.Trim('"'));
                }
                catch (ArgumentException)
                {
                }
            }
            return encoding.GetString(body);
        }

        /// <summary>Counts the bytes read through it: the body as it crossed the network.</summary>
        private sealed class CountingStream : WrappingStream
        {
            public CountingStream(Stream inner) : base(inner)
            {
            }

            public long Count { get; private set; }

            public override int Read(byte[] buffer, int offset, int count)
            {
                var read = Inner.Read(buffer, offset, count);
                Count += read;
                return read;
            }

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                var read = await Inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                Count += read;
                return read;
            }

#if NET
            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                Count += read;
                return read;
            }
#endif
        }
    }
}
