using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// The TCP leg of a lookup (RFC 7766), the module's own rather than DnsClient's: DnsClient reports a connection the
    /// server closed, or an answer cut short, as a timeout, and keeps reading and combining answers while more bytes
    /// are there. Here one try is one connection carrying one question and one answer: the 2-byte length (so at most
    /// 65,535 bytes) and exactly that many bytes, all within the try's timeout, read by DnsWire.
    /// </summary>
    internal static class DnsTcpExchange
    {
        private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create();

        /// <summary>
        /// Asks server over TCP and returns its whole answer. A close before the answer or in the middle of it is a
        /// ConnectionLostException, an answer that cannot be read a ProtocolViolationException, no whole answer
        /// within timeout a NetworkTimeoutException; cancellation throws OperationCanceledException.
        /// </summary>
        public static async Task<DnsResponse> AskAsync(IPEndPoint server, string question, DnsRecordType type, bool recursion, bool dnssecOk,
            TimeSpan timeout, CancellationToken cancellationToken)
        {
            var where = Endpoints.Format(server.Address.ToString(), server.Port);
            var target = $"{question} {type}";
            var idBytes = new byte[2];
            lock (Random)
                Random.GetBytes(idBytes);
            var query = DnsWire.Query(question, type, (ushort)((idBytes[0] << 8) | idBytes[1]), recursion, dnssecOk);
            var watch = Stopwatch.StartNew();
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(timeout);
            Socket socket;
            try
            {
                socket = await TcpConnector.ConnectAsync(new[] { server.Address }, server.Port, where, timeout, attempt.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(target, where, timeout, "to connect", null);
            }
            using (socket)
            using (attempt.Token.Register(socket.Dispose)) // a read that ignores the token ends when the socket closes
            using (var stream = new NetworkStream(socket, false))
            {
                var got = new StrongBox<int>(); // what has come of the part being read, also when a read is cut off
                var announced = -1;
                try
                {
                    var framed = new byte[query.Length + 2];
                    framed[0] = (byte)(query.Length >> 8);
                    framed[1] = (byte)query.Length;
                    query.CopyTo(framed, 2);
                    await stream.WriteAsync(framed, 0, framed.Length, attempt.Token).ConfigureAwait(false);

                    var prefix = new byte[2];
                    await ReadAsync(stream, prefix, got, attempt.Token).ConfigureAwait(false);
                    if (got.Value < 2)
                        throw new ConnectionLostException(got.Value == 0
                            ? $"{target}: {where} closed the TCP connection without answering."
                            : $"{target}: {where} closed the TCP connection in the middle of the answer's length.", target);
                    announced = (prefix[0] << 8) | prefix[1];
                    if (announced < DnsWire.HeaderSize)
                        throw new ProtocolViolationException($"{target}: the answer from {where} is malformed: it announced {announced} bytes over TCP, fewer than a DNS header.", target);
                    var message = new byte[announced];
                    await ReadAsync(stream, message, got, attempt.Token).ConfigureAwait(false);
                    if (got.Value < announced)
                        throw new ConnectionLostException(
                            $"{target}: {where} closed the TCP connection after {got.Value} of the {announced} bytes it announced: the answer was cut short.", target);
                    return DnsWire.Read(message, announced, query, DnsNames.Display(question), type, where, watch.Elapsed);
                }
                catch (Exception e) when (attempt.IsCancellationRequested && !(e is NetworkException))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var progress = announced < 0 ? "for an answer" : $"for the rest of the answer ({got.Value} of {announced} bytes came)";
                    throw TimedOut(target, where, timeout, progress, e);
                }
                catch (Exception e) when (e is IOException || e is SocketException || e is ObjectDisposedException)
                {
                    var inner = e.InnerException as SocketException ?? e as SocketException;
                    if (inner != null && inner.SocketErrorCode != SocketError.ConnectionReset)
                        throw SocketErrors.Translate(inner, where);
                    throw new ConnectionLostException($"{target}: {where} reset the TCP connection before its answer was complete.", target, e);
                }
            }
        }

        private static NetworkTimeoutException TimedOut(string target, string where, TimeSpan timeout, string what, Exception? inner) =>
            new NetworkTimeoutException($"{target}: {where} did not answer over TCP within {timeout.TotalSeconds:0.###} s (waited {what}).", target, inner);

        /// <summary>Fills buffer unless the connection ends first; got counts the bytes that came.</summary>
        private static async Task ReadAsync(Stream stream, byte[] buffer, StrongBox<int> got, CancellationToken cancellationToken)
        {
            got.Value = 0;
            while (got.Value < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer, got.Value, buffer.Length - got.Value, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                    break;
                got.Value += read;
            }
        }
    }
}
