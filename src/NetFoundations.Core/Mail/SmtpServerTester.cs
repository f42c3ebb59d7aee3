using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailKit.Net.Smtp;

namespace NetFoundations.Core.Mail
{
    /// <summary>Looks at an SMTP server without sending mail.</summary>
    public static class SmtpServerTester
    {
        public static async Task<SmtpServerResult> TestAsync(MailServerOptions options, SmtpTestStage quitAfter, Transcript transcript, CancellationToken cancellation)
        {
            if (quitAfter == SmtpTestStage.Auth && options.Credential == null)
                throw new InvalidNetworkRequestException("Stopping after AUTH needs a credential.", options.Target);
            // MailKit's connect says EHLO and, as asked, STARTTLS: stopping before TLS means connecting in plain text.
            var probe = new MailServerOptions(options.Server, options.Port)
            {
                Addresses = options.Addresses,
                Security = quitAfter < SmtpTestStage.Tls ? (options.Security == MailSecurity.Tls ? MailSecurity.Tls : MailSecurity.None) : options.Security,
                CertificateAuthorityPath = options.CertificateAuthorityPath,
                SkipCertificateCheck = options.SkipCertificateCheck,
                Credential = quitAfter == SmtpTestStage.Auth ? options.Credential : null,
                AllowUnencryptedAuthentication = options.AllowUnencryptedAuthentication,
                Timeout = options.Timeout,
            };
            var check = new CertificateCheck(probe);
            var logger = new TranscriptLogger(() => false) { Target = transcript };
            using var client = new SmtpClient(logger);
            logger.SecureCheck = () => client.IsSecure;
            try
            {
                await MailConnector.ConnectAsync(client, probe, check, cancellation).ConfigureAwait(false);
                var capabilities = Enum.GetValues(typeof(SmtpCapabilities)).Cast<SmtpCapabilities>()
                    .Where(c => c != SmtpCapabilities.None && client.Capabilities.HasFlag(c)).Select(c => c.ToString()).ToArray();
                // After STARTTLS the EHLO reply no longer lists it: a secure connection not made with implicit TLS used it.
                var implicitTls = probe.Security == MailSecurity.Tls || (probe.Security == MailSecurity.Auto && options.Port == 465);
                var startTlsOffered = client.Capabilities.HasFlag(SmtpCapabilities.StartTLS) || (client.IsSecure && !implicitTls);
                var stage = quitAfter == SmtpTestStage.Connect ? SmtpTestStage.Connect
                    : quitAfter == SmtpTestStage.Auth ? SmtpTestStage.Auth
                    : client.IsSecure ? SmtpTestStage.Tls : SmtpTestStage.Ehlo;
                var authenticated = quitAfter == SmtpTestStage.Auth ? client.IsAuthenticated : (bool?)null;
                var mechanisms = client.AuthenticationMechanisms.ToArray();
                var maxSize = (long)client.MaxSize;
                var tlsProtocol = client.IsSecure ? client.SslProtocol.ToString() : null;
                await client.DisconnectAsync(true, cancellation).ConfigureAwait(false);
                return new SmtpServerResult(options.Server, options.Port, stage, logger.Greeting, capabilities, mechanisms, maxSize,
                    startTlsOffered, tlsProtocol, check.Verification?.IsValid, check.Verification?.Chain.FirstOrDefault()?.Subject,
                    check.Verification?.Problems ?? Array.Empty<string>(), authenticated, transcript.Entries);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                transcript.ClientError(e.Message);
                throw MailConnector.Translate(e, options.Target, check);
            }
        }
    }
}
