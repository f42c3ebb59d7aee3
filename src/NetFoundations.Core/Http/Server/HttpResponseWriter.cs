using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// Writes one response: the status line, the handler's headers, then the server's own (Date, Content-Length,
    /// Connection), then the body — with a small body in the same write as the headers, a file streamed in chunks.
    /// </summary>
    internal static class HttpResponseWriter
    {
        private const int SameWrite = 64 * 1024;
        private const int FileChunk = 64 * 1024;
        private static readonly Encoding Latin1 = Encoding.GetEncoding("iso-8859-1");
        private static string date = "";
        private static long dateSecond;

        /// <summary>Writes the response; progress is called after each write (the idle timeout's clock). Returns the body bytes sent.</summary>
        public static async Task<long> WriteAsync(Stream stream, HttpServerResponse response, bool headOnly, bool close, bool keepAliveHeader,
            Action<int> progress, CancellationToken cancel)
        {
            var status = response.StatusCode;
            // 1xx, 204 and 304 have no body by definition (RFC 9110 §6.4.1).
            var noBody = status < 200 || status == 204 || status == 304;
            var head = new StringBuilder(256);
            head.Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(response.ReasonPhrase).Append("\r\n");
            head.Append("Date: ").Append(Now()).Append("\r\n");
            foreach (var header in response.Headers)
                head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
            if (!noBody)
                head.Append("Content-Length: ").Append(response.ContentLength.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            if (close)
                head.Append("Connection: close\r\n");
            else if (keepAliveHeader)
                head.Append("Connection: keep-alive\r\n");
            head.Append("\r\n");
            var headBytes = Latin1.GetBytes(head.ToString());
            var sendBody = !noBody && !headOnly && response.ContentLength > 0;
            if (!sendBody)
            {
                await stream.WriteAsync(headBytes, 0, headBytes.Length, cancel).ConfigureAwait(false);
                progress(headBytes.Length);
                return 0;
            }
            if (response.FilePath == null)
            {
                var body = response.Body;
                if (body.Length <= SameWrite)
                {
                    var both = new byte[headBytes.Length + body.Length];
                    Buffer.BlockCopy(headBytes, 0, both, 0, headBytes.Length);
                    Buffer.BlockCopy(body, 0, both, headBytes.Length, body.Length);
                    await stream.WriteAsync(both, 0, both.Length, cancel).ConfigureAwait(false);
                    progress(both.Length);
                    return body.Length;
                }
                await stream.WriteAsync(headBytes, 0, headBytes.Length, cancel).ConfigureAwait(false);
                progress(headBytes.Length);
                for (var offset = 0; offset < body.Length; offset += FileChunk)
                {
                    var count = Math.Min(FileChunk, body.Length - offset);
                    await stream.WriteAsync(body, offset, count, cancel).ConfigureAwait(false);
                    progress(count);
                }
                return body.Length;
            }
            return await WriteFileAsync(stream, response, headBytes, progress, cancel).ConfigureAwait(false);
        }

        /// <summary>The file's range after the headers, read and written a chunk at a time (the first chunk with the headers).</summary>
        private static async Task<long> WriteFileAsync(Stream stream, HttpServerResponse response, byte[] headBytes, Action<int> progress, CancellationToken cancel)
        {
            using var file = new FileStream(response.FilePath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            file.Position = response.FileOffset;
            var left = response.FileLength;
            var chunk = new byte[headBytes.Length + (int)Math.Min(FileChunk, left)];
            Buffer.BlockCopy(headBytes, 0, chunk, 0, headBytes.Length);
            var filled = headBytes.Length;
            long sent = 0;
            while (left > 0)
            {
                var read = await file.ReadAsync(chunk, filled, (int)Math.Min(chunk.Length - filled, left), cancel).ConfigureAwait(false);
                // The file shrank under us: the length promised cannot be kept, so the connection must end (the caller closes it).
                if (read == 0)
                    throw new IOException($"{response.FilePath} ended {left} bytes before the length announced.");
                filled += read;
                left -= read;
                sent += read;
                await stream.WriteAsync(chunk, 0, filled, cancel).ConfigureAwait(false);
                progress(filled);
                filled = 0;
            }
            return sent;
        }

        /// <summary>The Date header's value, made once a second (RFC 9110's IMF-fixdate).</summary>
        private static string Now()
        {
            var now = DateTime.UtcNow;
            var second = now.Ticks / TimeSpan.TicksPerSecond;
            if (Interlocked.Read(ref dateSecond) != second)
            {
                Volatile.Write(ref date, now.ToString("r", CultureInfo.InvariantCulture));
                Interlocked.Exchange(ref dateSecond, second);
            }
            return Volatile.Read(ref date);
        }
    }
}
