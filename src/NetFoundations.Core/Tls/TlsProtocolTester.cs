using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tls
{
    /// <summary>Which TLS versions a server accepts: one connection and handshake per version, offering only that version.</summary>
    public static class TlsProtocolTester
    {
        /// <summary>
        /// Tests each version (all four when none are given). Connection failures (refused, timeout,
        /// STARTTLS not offered) are errors, and so is an answer that is not TLS, a record longer than TLS
        /// allows or a connection closed in the middle of the server's answer; a refused version is a
        /// result. The certificate is not judged.
        /// </summary>
        public static async Task<IReadOnlyList<TlsProtocolResult>> TestAsync(TlsTarget target, TlsClientOptions options,
            IEnumerable<TlsVersion>? versions, TimeSpan timeout, Transcript transcript, CancellationToken cancellationToken)
        {
            var where = target.ToString();
            var serverName = options.ServerName ?? target.ComputerName;
            var results = new List<TlsProtocolResult>();
            var wanted = versions?.Distinct().OrderBy(v => v).ToArray() is { Length: > 0 } given ? given : TlsVersions.All;
            foreach (var version in wanted)
            {
                var only = new TlsClientOptions(serverName, options.TrustedAuthorities, options.ClientCertificate, new[] { version });
                using var endpoint = await TlsConnector.ConnectAsync(target, timeout, transcript, cancellationToken).ConfigureAwait(false);
                var handshake = await TlsHandshake.RunAsync(endpoint.Stream, endpoint.Stream, where, serverName, only, acceptAnyCertificate: true,
                    timeout, transcript, cancellationToken).ConfigureAwait(false);
                using var ssl = handshake.Stream;
                var name = TlsVersions.Describe(version);
                TlsProtocolResult result;
                if (handshake.Succeeded)
                    result = Result(TlsProtocolStatus.Supported, handshake.CipherSuite, null);
                else if (handshake.Certificate != null)
                    // The server sends its certificate only after choosing the version; what failed later is another matter.
                    result = Result(TlsProtocolStatus.Supported, null, "The handshake failed after the version was agreed: " + handshake.Error(where).Message);
                else if (!handshake.ClientNeverSpoke && handshake.Misbehaviour(where) is { } misbehaviour)
                {
                    // Not an answer about the version: the server does not speak TLS, or broke off.
                    transcript.ClientError(misbehaviour.Message);
                    throw misbehaviour;
                }
                else if (handshake.ClientNeverSpoke)
                    result = Result(TlsProtocolStatus.NotTestableHere, null,
                        $"This machine's TLS library will not offer {name} ({handshake.FailureReason}); the server was not asked.");
                else
                    result = Result(TlsProtocolStatus.NotSupported, null, handshake.Error(where).Message);
                transcript.Note($"{name}: {result.Status}{(result.Message == null ? string.Empty : " - " + result.Message)}");
                results.Add(result);

                TlsProtocolResult Result(TlsProtocolStatus status, string? cipherSuite, string? message) =>
                    new TlsProtocolResult(target.ComputerName, endpoint.Address, target.Port, serverName, version, status, cipherSuite, message);
            }
            return results;
        }
    }
}
