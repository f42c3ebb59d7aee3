using System;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using NetFoundations.Core;
using NetFoundations.Core.Tcp;
using NetFoundations.Core.Tls;
// The -Encoding names and encodings are the ones Send-UdpDatagram takes.

namespace NetFoundations.PowerShell.Tcp
{
    /// <summary>Connects to a TCP port, sends messages, receives the reply with the framing asked for, and returns the conversation.</summary>
    [Cmdlet(VerbsLifecycle.Invoke, "TcpConversation", DefaultParameterSetName = NoReceiveSet, HelpUri = HelpLinks.Base + "Invoke-TcpConversation.md")]
    [OutputType(typeof(TcpConversation))]
    public sealed class InvokeTcpConversationCommand : ConnectingCmdlet
    {
        private const string NoReceiveSet = "NoReceive";
        private const string DelimiterSet = "Delimiter";
        private const string LineSet = "LineCount";
        private const string ByteCountSet = "ByteCount";
        private const string LengthPrefixSet = "LengthPrefix";
        private const string UntilCloseSet = "UntilClose";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ComputerName { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        /// <summary>Text messages, sent in order.</summary>
        [Parameter(Position = 2)]
        [AllowEmptyString]
        public string[]? Message { get; set; }

        /// <summary>Byte messages: one byte array, or several.</summary>
        [Parameter]
        [ByteMessagesTransformation]
        public byte[][]? Bytes { get; set; }

        [Parameter]
        [ValidateSet("UTF8", "ASCII", "Latin1", "Unicode", "BigEndianUnicode", "UTF32", IgnoreCase = true)]
        public string Encoding { get; set; } = TextEncodings.Default;

        /// <summary>Receive until this delimiter: text (encoded with -Encoding) or bytes.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DelimiterSet)]
        [ValidateNotNullOrEmpty]
        public object? Delimiter { get; set; }

        /// <summary>Frames to receive with -Delimiter (default 1) or -LengthPrefix (default: until an empty frame or the end of the stream).</summary>
        [Parameter(ParameterSetName = DelimiterSet)]
        [Parameter(ParameterSetName = LengthPrefixSet)]
        [ValidateRange(1, int.MaxValue)]
        public int FrameCount { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = LineSet)]
        [ValidateRange(1, int.MaxValue)]
        public int LineCount { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ByteCountSet)]
        [ValidateRange(1, int.MaxValue)]
        public int ByteCount { get; set; }

        /// <summary>Frames sent and received carry a big-endian length prefix of this many bytes.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LengthPrefixSet)]
        [ValidateSet("2", "4")]
        public int LengthPrefix { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = UntilCloseSet)]
        public SwitchParameter UntilClose { get; set; }

        /// <summary>Shut down the sending side after the last message (the peer sees end of stream).</summary>
        [Parameter]
        public SwitchParameter HalfClose { get; set; }

        [Parameter]
        [ValidateRange(0.001, 86400)]
        public double TimeoutSeconds { get; set; } = 10;

        /// <summary>Bounds the whole conversation, in seconds (0: no bound, for a long transfer; -TimeoutSeconds still holds).</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public double TotalTimeoutSeconds { get; set; } = 300;

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxReceiveBytes { get; set; } = TcpConversationRequest.DefaultMaxReceiveBytes;

        /// <summary>Upgrade the connection to TLS before sending; the certificate must be valid for the name.</summary>
        [Parameter]
        public SwitchParameter Tls { get; set; }

        /// <summary>The name sent as SNI and checked against the certificate, when not ComputerName.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ServerName { get; set; }

        /// <summary>A PEM bundle whose certificates are the only trusted roots, instead of the system's store.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [Alias("CAFile")]
        public string? CertificateAuthorityPath { get; set; }

        [Parameter]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>With -Tls: a client certificate with its key, for a server that asks for one (PFX, or PEM).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ClientCertificate { get; set; }

        /// <summary>The unencrypted PEM key of a PEM -ClientCertificate, when it is not in the same file.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ClientCertificateKey { get; set; }

        /// <summary>The password of a PFX -ClientCertificate (the user name is ignored).</summary>
        [Parameter]
        [Credential]
        public PSCredential? ClientCertificateCredential { get; set; }

        private TlsClientOptions? tlsOptions;

        protected override void BeginProcessing()
        {
            if (Message != null && Bytes != null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give -Message or -Bytes, not both."),
                    "MessageAndBytes", ErrorCategory.InvalidArgument, null));
            if (!Tls)
            {
                if (ServerName != null || CertificateAuthorityPath != null || SkipCertificateCheck || ClientCertificate != null)
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException("-ServerName, -CertificateAuthorityPath, -SkipCertificateCheck and -ClientCertificate need -Tls."),
                        "TlsParameterWithoutTls", ErrorCategory.InvalidArgument, null));
                return;
            }
            var authorities = CertificateAuthorityPath == null ? null : ReadAuthorityBundle(CertificateAuthorityPath, out _);
            if (SkipCertificateCheck)
                WarnCertificateNotVerified("this conversation", credentialIncluded: false);
            var clientCertificate = LoadClientCertificate(ClientCertificate, ClientCertificateKey, ClientCertificateCredential);
            tlsOptions = new TlsClientOptions(ServerName, authorities, clientCertificate, skipCertificateCheck: SkipCertificateCheck);
        }

        protected override void ProcessRecord()
        {
            var encoding = TextEncodings.Get(Encoding);
            var target = Endpoints.Format(ComputerName, Port);
            var request = new TcpConversationRequest(ComputerName, Port)
            {
                Addresses = AddressesFor(ComputerName),
                Messages = Bytes ?? (Message ?? Array.Empty<string>()).Select(m => encoding.GetBytes(m)).ToArray(),
                Framing = Framing(encoding),
                HalfClose = HalfClose,
                Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
                MaxReceiveBytes = MaxReceiveBytes,
                Encoding = encoding,
                Tls = tlsOptions,
            };
            var transcript = NewTranscript();
            var activity = $"Conversation with {target}";
            Run(async ct =>
            {
                var conversation = await TcpConversationClient.InvokeAsync(request, transcript, status => PostProgress(
                    new ProgressRecord(1, activity, $"{status.Sent} of {status.ToSend} bytes sent, {status.Received} received")
                    {
                        PercentComplete = status.ToSend > 0 ? (int)(status.Sent * 100 / status.ToSend) : -1,
                    }), ct).ConfigureAwait(false);
                PostProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
                PostObject(conversation);
            }, Seconds(TotalTimeoutSeconds), target);
        }

        private TcpFraming Framing(System.Text.Encoding encoding)
        {
            switch (ParameterSetName)
            {
                case DelimiterSet:
                    return TcpFraming.Delimited(TextEncodings.Bytes(Delimiter!, encoding), FrameCount > 0 ? FrameCount : 1);
                case LineSet:
                    return TcpFraming.Lines(LineCount);
                case ByteCountSet:
                    return TcpFraming.Exactly(ByteCount);
                case LengthPrefixSet:
                    return TcpFraming.LengthPrefixed(LengthPrefix, FrameCount);
                case UntilCloseSet:
                    return TcpFraming.UntilClose;
                default:
                    return TcpFraming.None;
            }
        }
    }
}
