using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MailKit.Net.Smtp;
using MimeKit;

namespace NetFoundations.Core.Mail
{
    /// <summary>
    /// Sends messages over one SMTP connection, kept open while the server stays the same;
    /// a rejected recipient is recorded and the others still get the message.
    /// </summary>
    public sealed class SmtpMailer : IDisposable
    {
        private RecordingSmtpClient? client;
        private MailServerOptions? connected;
        private CertificateCheck? check;

        public async Task<SmtpSendResult> SendAsync(MailServerOptions options, MailMessage message, Transcript transcript, CancellationToken cancellation)
        {
            var watch = Stopwatch.StartNew();
            var entriesBefore = transcript.Entries.Count;
            try
            {
                if (client == null || connected == null || !connected.SameServer(options) || !client.IsConnected)
                    await ConnectAsync(options, transcript, cancellation).ConfigureAwait(false);
                client!.Logger.Target = transcript;
                client.Recipients.Clear();
                if (client.MaxSize > 0 && (ulong)message.Size > (ulong)client.MaxSize)
                    throw new InvalidNetworkRequestException(
                        $"The message is {message.Size} bytes; {options.Target} takes at most {client.MaxSize} (SIZE). Nothing was sent.", options.Target);
                var reply = await client.SendAsync(message.Mime(), cancellation).ConfigureAwait(false);
                return new SmtpSendResult(message.MessageId, message.Subject, options.Server, options.Port, true, client.Recipients.ToArray(), reply,
                    client.IsSecure ? client.SslProtocol.ToString() : null, watch.Elapsed, transcript.Entries.Skip(entriesBefore).ToArray());
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                transcript.ClientError(e.Message);
                var recipients = client?.Recipients.ToArray() ?? Array.Empty<SmtpRecipientResult>();
                // MailKit resets the transaction when no recipient is accepted: the connection stays usable.
                if (e is SmtpCommandException && recipients.Length > 0 && recipients.All(r => !r.Accepted))
                    throw new RemoteErrorException($"{options.Target} accepted none of the recipients: "
                        + string.Join("; ", recipients.Select(r => $"{r.Address}: {r.ReplyCode} {r.Reply}")), options.Target, recipients[0].ReplyCode.ToString(), e);
                if (!(e is InvalidNetworkRequestException))
                    Drop();
                throw MailConnector.Translate(e, options.Target, check);
            }
        }

        /// <summary>The result of a send that did not happen (-WhatIf): every recipient neither accepted nor rejected.</summary>
        public static SmtpSendResult NotSent(MailServerOptions options, MailMessage message) =>
            new SmtpSendResult(message.MessageId, message.Subject, options.Server, options.Port, false,
                message.Mime().To.Mailboxes.Concat(message.Mime().Cc.Mailboxes).Concat(message.Mime().Bcc.Mailboxes)
                    .Select(m => new SmtpRecipientResult(m.Address, false, 0, "not sent")).ToArray(),
                null, null, TimeSpan.Zero, Array.Empty<TranscriptEntry>());

        /// <summary>Ends the conversation politely (QUIT).</summary>
        public async Task CloseAsync(Transcript transcript, CancellationToken cancellation)
        {
            if (client == null)
                return;
            client.Logger.Target = transcript;
            try
            {
                if (client.IsConnected)
                    await client.DisconnectAsync(true, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                transcript.ClientError(e.Message);
            }
            finally
            {
                Drop();
            }
        }

        public void Dispose() => Drop();

        private async Task ConnectAsync(MailServerOptions options, Transcript transcript, CancellationToken cancellation)
        {
            Drop();
            check = new CertificateCheck(options);
            client = new RecordingSmtpClient(transcript);
            connected = options;
            await MailConnector.ConnectAsync(client, options, check, cancellation).ConfigureAwait(false);
        }

        private void Drop()
        {
            client?.Dispose();
            client = null;
            connected = null;
        }

        private sealed class RecordingSmtpClient : SmtpClient
        {
            public RecordingSmtpClient(Transcript transcript) : this(new TranscriptLogger(() => false) { Target = transcript }) { }

            private RecordingSmtpClient(TranscriptLogger logger) : base(logger)
            {
                Logger = logger;
                logger.SecureCheck = () => IsSecure;
            }

            public TranscriptLogger Logger { get; }
            public List<SmtpRecipientResult> Recipients { get; } = new List<SmtpRecipientResult>();

            protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
                Recipients.Add(new SmtpRecipientResult(mailbox.Address, true, (int)response.StatusCode, response.Response));

            protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
                Recipients.Add(new SmtpRecipientResult(mailbox.Address, false, (int)response.StatusCode, response.Response));
        }
    }
}
