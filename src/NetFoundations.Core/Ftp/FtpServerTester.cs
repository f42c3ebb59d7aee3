using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using FluentFTP.Exceptions;

namespace NetFoundations.Core.Ftp
{
    /// <summary>
    /// Looks at an FTP server: greeting, FEAT, TLS and its certificate, a login; and only when asked, its clock, which
    /// takes writing (and deleting) a file.
    /// </summary>
    public static class FtpServerTester
    {
        /// <param name="clockSkewFolder">
        /// Where to write the temporary file whose time gives the server's clock (after a successful login); null
        /// measures nothing and writes nothing.
        /// </param>
        public static async Task<FtpServerResult> TestAsync(FtpConnectionOptions options, FtpTestStage stage, Transcript transcript, CancellationToken cancellationToken,
            string? clockSkewFolder = null)
        {
            var target = options.Target;
            if (stage == FtpTestStage.Login && options.Credential != null && options.Security == FtpSecurity.None && !options.AllowUnencryptedAuthentication)
                throw new InvalidNetworkRequestException(
                    $"Without TLS the credential for {target} would cross the network in clear; it was not sent. " +
                    "Ask for TLS with -Security Explicit (AUTH TLS) or -Security Implicit, stop before the login with -Stage Tls, or send it " +
                    "unencrypted by name with -AllowUnencryptedAuthentication.", target);
            // Stopping at Connect means no AUTH TLS (implicit FTPS has TLS from the first byte all the same).
            var security = stage == FtpTestStage.Connect && options.Security == FtpSecurity.Explicit ? FtpSecurity.None : options.Security;
            var probe = new FtpConnectionOptions(options.ComputerName, options.Port)
            {
                Addresses = options.Addresses,
                Security = security,
                CertificateAuthorityPath = options.CertificateAuthorityPath,
                SkipCertificateCheck = options.SkipCertificateCheck,
                Timeout = options.Timeout,
                MaxReplyBytes = options.MaxReplyBytes,
            };
            var addresses = await Endpoints.AddressesAsync(options.ComputerName, options.Addresses, options.Timeout, cancellationToken).ConfigureAwait(false);
            var address = addresses[0].ToString();
            var credential = options.Credential ?? new NetworkCredential("anonymous", "anonymous@");
            var (client, _, check) = FtpConnection.NewClient(probe, transcript, address, credential);
            // No data connection is opened: PBSZ/PROT are not needed.
            client.Config.DataConnectionEncryption = false;
            var result = new FtpServerResult(options.ComputerName, options.Port, options.Security);
            var stopped = false;
            client.BeforeLogin = async token =>
            {
                // The greeting and TLS are done: FEAT here, before any login (servers answer it then).
                result.Banner = client.Banner;
                result.Stage = security == FtpSecurity.None ? FtpTestStage.Connect : FtpTestStage.Tls;
                result.TlsProtocol = client.IsEncrypted ? client.SslProtocol.ToString() : null;
                result.CertificateValid = check.Verification?.IsValid;
                result.CertificateSubject = check.Verification?.Chain.FirstOrDefault()?.Subject;
                result.CertificateProblems = check.Verification?.Problems.ToArray() ?? new string[0];
                var feat = await client.Execute("FEAT", token).ConfigureAwait(false);
                ReadFeatures(result, feat.Success ? feat.InfoMessages : null, security == FtpSecurity.Implicit || client.IsEncrypted);
                if (stage < FtpTestStage.Login)
                {
                    stopped = true;
                    throw new OperationCanceledException("stage reached");
                }
                result.UserName = credential.UserName;
                result.Stage = FtpTestStage.Login;
            };
            transcript.Note($"testing {target} ({address}), security {security}, up to stage {stage}");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.Timeout);
            try
            {
                using (limit.Token.Register(client.ShutdownControl))
                {
                    try
                    {
                        await client.ConnectBoundedAsync(check.Validate, limit.Token).ConfigureAwait(false);
                        result.LoginSucceeded = true;
                        result.LoginReply = client.LoginReply.Code + " " + client.LoginReply.Message;
                    }
                    catch (FtpAuthenticationException e) when (result.Stage == FtpTestStage.Login)
                    {
                        // A refused login is an answer of this test, not its failure.
                        result.LoginSucceeded = false;
                        result.LoginReply = client.LoginReply.Code + " " + client.LoginReply.Message;
                        transcript.Note($"login refused: {e.Message}");
                    }
                    catch (Exception) when (stopped && !limit.IsCancellationRequested)
                    {
                        // Connect ended where the test stops (before the login).
                    }
                    try
                    {
                        await client.Execute("QUIT", limit.Token).ConfigureAwait(false);
                    }
                    catch (Exception) when (!limit.IsCancellationRequested)
                    {
                        // Said goodbye as a courtesy: a connection FluentFTP already closed needs none.
                    }
                }
            }
            catch (Exception e)
            {
                throw FtpConnection.ConnectFailure(e, client, check, probe, transcript, limit.IsCancellationRequested, cancellationToken);
            }
            finally
            {
                client.ShutdownControl();
                client.Dispose();
            }
            if (clockSkewFolder != null && stage == FtpTestStage.Login)
                await MeasureClockSkewAsync(options, result, clockSkewFolder, transcript, cancellationToken).ConfigureAwait(false);
            result.Transcript = transcript.Entries;
            return result;
        }

        /// <summary>
        /// Reads the server's clock over a session of its own (the probe above opens no data connection): a refusal or a
        /// missing MDTM is the result's ClockSkewError, not the test's failure; only the deadline ends the test.
        /// </summary>
        private static async Task MeasureClockSkewAsync(FtpConnectionOptions options, FtpServerResult result, string folder, Transcript transcript,
            CancellationToken cancellationToken)
        {
            if (result.LoginSucceeded != true)
            {
                result.ClockSkewError = "The login was refused, so no file could be written to read the server's clock.";
                return;
            }
            if (!result.Mdtm)
            {
                result.ClockSkewError = $"{options.Target} does not list MDTM in FEAT: FTP shows a server's clock only through a file's time (MDTM).";
                return;
            }
            FtpSession? session = null;
            try
            {
                session = await FtpConnection.ConnectAsync(options, transcript, cancellationToken).ConfigureAwait(false);
                var reading = await session.Connection().ReadClockAsync(folder, transcript, cancellationToken).ConfigureAwait(false);
                result.ClockSkew = reading.Skew;
                result.ClockSkewUncertainty = reading.Uncertainty;
                transcript.Note($"clock: server {reading.ServerTime:yyyy-MM-dd HH:mm:ss.fff} UTC, skew {reading.Skew.TotalSeconds:0.###} s within {reading.Uncertainty.TotalSeconds:0.###} s");
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                result.ClockSkewError = e.Message;
                transcript.Note($"clock not read: {e.Message}");
            }
            finally
            {
                session?.Disconnect();
            }
        }

        /// <summary>The FEAT reply's lines, and the features the result names.</summary>
        private static void ReadFeatures(FtpServerResult result, string? lines, bool encrypted)
        {
            var features = (lines ?? string.Empty).Split('\n').Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith("211", StringComparison.Ordinal)).ToArray();
            result.Features = features;
            bool Has(string name) => features.Any(f => f.Equals(name, StringComparison.OrdinalIgnoreCase)
                || f.StartsWith(name + " ", StringComparison.OrdinalIgnoreCase));
            result.Mlsd = Has("MLSD") || Has("MLST");
            result.RestStream = Has("REST STREAM");
            result.Size = Has("SIZE");
            result.Mdtm = Has("MDTM");
            result.Utf8 = Has("UTF8");
            result.Hash = Has("HASH");
            result.AuthTls = Has("AUTH TLS") || features.Any(f => f.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase)
                && f.Split(' ').Skip(1).Any(m => m.Equals("TLS", StringComparison.OrdinalIgnoreCase)));
            result.Epsv = Has("EPSV");
            result.TlsOffered = result.AuthTls || encrypted;
        }
    }
}
