using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using MailKit.Net.Pop3;
using MimeKit;
using MimeKit.Utils;

namespace NetFoundations.Core.Mail
{
    /// <summary>POP3: one short session per call (USER/PASS or SASL, STLS or implicit TLS), ended with QUIT.</summary>
    public static class Pop3Mailbox
    {
        public static Task<IReadOnlyList<Pop3MessageInfo>> ListAsync(MailServerOptions options, bool headers, Transcript transcript, CancellationToken cancellation) =>
            WithClientAsync(options, transcript, cancellation, async client =>
            {
                var uids = await client.GetMessageUidsAsync(cancellation).ConfigureAwait(false);
                var sizes = await client.GetMessageSizesAsync(cancellation).ConfigureAwait(false);
                var list = new List<Pop3MessageInfo>();
                for (var i = 0; i < client.Count; i++)
                {
                    HeaderList? top = headers ? await client.GetMessageHeadersAsync(i, cancellation).ConfigureAwait(false) : null;
                    DateTimeOffset? date = top?["Date"] != null && DateUtils.TryParse(top["Date"], out var parsed) ? parsed : (DateTimeOffset?)null;
                    list.Add(new Pop3MessageInfo(options.Server, options.Port, i + 1, uids[i], sizes[i], top?["From"], date,
                        top?[HeaderId.Subject]));
                }
                return (IReadOnlyList<Pop3MessageInfo>)list;
            });

        /// <summary>Retrieves (RETR) the messages with these UIDs.</summary>
        public static Task<IReadOnlyList<MailMessage>> RetrieveAsync(MailServerOptions options, IList<string> uids, Transcript transcript, CancellationToken cancellation) =>
            WithClientAsync(options, transcript, cancellation, async client =>
            {
                var messages = new List<MailMessage>();
                foreach (var index in await IndexesAsync(client, uids, options, cancellation).ConfigureAwait(false))
                    messages.Add(MailMessageContent.Create(await client.GetMessageAsync(index, cancellation).ConfigureAwait(false)));
                return (IReadOnlyList<MailMessage>)messages;
            });

        /// <summary>Marks the messages with these UIDs deleted (DELE); the server removes them at QUIT.</summary>
        public static Task<int> DeleteAsync(MailServerOptions options, IList<string> uids, Transcript transcript, CancellationToken cancellation) =>
            WithClientAsync(options, transcript, cancellation, async client =>
            {
                var indexes = await IndexesAsync(client, uids, options, cancellation).ConfigureAwait(false);
                await client.DeleteMessagesAsync(indexes, cancellation).ConfigureAwait(false);
                return indexes.Count;
            });

        private static async Task<IList<int>> IndexesAsync(Pop3Client client, IList<string> uids, MailServerOptions options, CancellationToken cancellation)
        {
            var all = await client.GetMessageUidsAsync(cancellation).ConfigureAwait(false);
            return uids.Select(uid =>
            {
                var index = all.IndexOf(uid);
                if (index < 0)
                    throw new InvalidNetworkRequestException($"{options.Target} has no message with UID {uid}.", uid);
                return index;
            }).ToList();
        }

        /// <summary>
        /// The credential offered for APOP only: MailKit falls back to SASL and then USER/PASS when APOP is refused,
        /// and asks the credential for each before it sends anything, so refusing there ends the login.
        /// </summary>
        private static ICredentials ApopOnly(Pop3Client client, MailServerOptions options, string? greeting, NetworkCredential credential)
        {
            if (!client.Capabilities.HasFlag(Pop3Capabilities.Apop))
                throw new ProtocolViolationException(
                    $"{options.Target} does not offer APOP: its greeting has no timestamp ({greeting}). Nothing was sent to log in.", options.Target);
            return new ApopCredential(credential, options.Target);
        }

        private sealed class ApopCredential : ICredentials
        {
            private readonly NetworkCredential credential;
            private readonly string target;

            public ApopCredential(NetworkCredential credential, string target)
            {
                this.credential = credential;
                this.target = target;
            }

            public NetworkCredential GetCredential(Uri uri, string authType) => authType == "APOP"
                ? credential
                : throw new MailKit.Security.AuthenticationException($"{target} refused the APOP login (nothing else is tried when APOP is required).");
        }

        private static async Task<T> WithClientAsync<T>(MailServerOptions options, Transcript transcript, CancellationToken cancellation, Func<Pop3Client, Task<T>> work)
        {
            if (options.Credential == null)
                throw new InvalidNetworkRequestException("POP3 needs a credential.", options.Target);
            var logger = new TranscriptLogger(() => false) { Target = transcript };
            using var client = new Pop3Client(logger);
            logger.SecureCheck = () => client.IsSecure;
            var check = new CertificateCheck(options);
            try
            {
                await MailConnector.ConnectAsync(client, options, check, cancellation,
                    options.RequireApop ? credential => ApopOnly(client, options, logger.Greeting, credential) : (Func<NetworkCredential, ICredentials>?)null)
                    .ConfigureAwait(false);
                var result = await work(client).ConfigureAwait(false);
                await client.DisconnectAsync(true, cancellation).ConfigureAwait(false);
                return result;
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                transcript.ClientError(e.Message);
                throw MailConnector.Translate(e, options.Target, check);
            }
        }
    }
}
