using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Tls
{
    /// <summary>Fetches and judges a server's certificate. A bad certificate is a result; failing to see one is an error.</summary>
    public static class TlsCertificateTester
    {
        /// <summary>
        /// Connects (and negotiates STARTTLS), shakes hands accepting whatever certificate comes, and
        /// reports it with its verification against options (CA bundle, server name). Each stage is
        /// bounded by timeout. minimumDaysRemaining above 0 makes a certificate with fewer days left
        /// invalid. outFile, when given, receives the presented chain as PEM.
        /// </summary>
        public static async Task<TlsCertificateResult> TestAsync(TlsTarget target, TlsClientOptions options, TimeSpan timeout,
            int minimumDaysRemaining, string? outFile, Transcript transcript, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var where = target.ToString();
            using var endpoint = await TlsConnector.ConnectAsync(target, timeout, transcript, cancellationToken).ConfigureAwait(false);
            var serverName = options.ServerName ?? target.ComputerName;
            var handshake = await TlsHandshake.RunAsync(endpoint.Stream, endpoint.Stream, where, serverName, options, acceptAnyCertificate: true,
                timeout, transcript, cancellationToken).ConfigureAwait(false);
            using var ssl = handshake.Stream;
            if (handshake.Certificate == null)
            {
                var error = handshake.Error(where);
                transcript.ClientError(error.Message);
                throw error;
            }
            var result = new TlsCertificateResult(target.ComputerName, target.Port, target.StartTls, endpoint, handshake.SessionInfo(certificateCheckSkipped: true),
                handshake.Failure == null ? null : handshake.Error(where).Message, handshake.Presented, TlsNames.SubjectAlternativeNames(handshake.Certificate),
                minimumDaysRemaining, DateTime.Now, clock.Elapsed);
            transcript.Note(Summary(result));
            if (outFile != null)
                File.WriteAllText(outFile, TlsPem.ToPem(result.GetPresentedCertificates()));
            return result;
        }

        private static string Summary(TlsCertificateResult result)
        {
            var session = result.Protocol.HasValue
                ? $"{TlsVersions.Describe(result.Protocol.Value)} {result.CipherSuite}"
                : $"handshake failed ({result.HandshakeError})";
            var verdict = result.IsValid ? "valid" : "not valid: " + string.Join(" ", result.Problems);
            return $"{session}; certificate {result.Subject}, {result.DaysRemaining} days left, {verdict}";
        }
    }
}
