using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using NetFoundations.Core.Tls;

namespace NetFoundations.Core.Tcp
{
    /// <summary>The outcome of one TCP conversation: what was sent, what came back, and how long each stage took.</summary>
    public sealed class TcpConversation
    {
        private readonly Encoding encoding;
        private readonly byte[] received;
        private readonly IReadOnlyList<byte[]> frames;
        private readonly IReadOnlyList<TranscriptEntry> transcript;
        private readonly Lazy<string> receivedText;
        private readonly Lazy<IReadOnlyList<string>> messages;

        public TcpConversation(string computerName, IPAddress address, int port, IPEndPoint localEndPoint, long sent,
            byte[] received, IReadOnlyList<byte[]> frames, Encoding encoding, TimeSpan connectTime, TimeSpan? firstByteTime,
            TimeSpan totalTime, TlsSessionInfo? tls, IReadOnlyList<TranscriptEntry> transcript)
        {
            ComputerName = computerName;
            Address = address.ToString();
            Port = port;
            LocalAddress = localEndPoint.Address.ToString();
            LocalPort = localEndPoint.Port;
            Sent = sent;
            this.received = received;
            this.frames = frames;
            this.encoding = encoding;
            ConnectMs = connectTime.TotalMilliseconds;
            FirstByteMs = firstByteTime?.TotalMilliseconds;
            TotalMs = totalTime.TotalMilliseconds;
            Tls = tls;
            this.transcript = transcript;
            receivedText = new Lazy<string>(() => encoding.GetString(received));
            messages = new Lazy<IReadOnlyList<string>>(() => frames.Select(f => encoding.GetString(f)).ToArray());
        }

        public string ComputerName { get; }
        public string Address { get; }
        public int Port { get; }
        public string LocalAddress { get; }
        public int LocalPort { get; }

        /// <summary>Bytes sent, length prefixes included.</summary>
        public long Sent { get; }

        /// <summary>How many bytes were read from the connection; GetReceived() returns them.</summary>
        public long ReceivedBytes => received.LongLength;

        /// <summary>Every byte read from the connection (for delimited framings this may run past the last frame).</summary>
        public byte[] GetReceived() => received;

        /// <summary>Received, decoded with the conversation's encoding.</summary>
        public string ReceivedText => receivedText.Value;

        /// <summary>The received frames: without delimiters, line ends or length prefixes.</summary>
        public IReadOnlyList<byte[]> GetFrames() => frames;

        /// <summary>The frames decoded as text.</summary>
        public IReadOnlyList<string> Messages => messages.Value;

        public string EncodingName => encoding.WebName;

        /// <summary>From the start (name resolution included) until the connection was established.</summary>
        public double ConnectMs { get; }

        /// <summary>From the start until the first byte arrived; null when none did.</summary>
        public double? FirstByteMs { get; }

        public double TotalMs { get; }

        /// <summary>What the TLS handshake negotiated (protocol, cipher suite, certificate and its verification); null for plain TCP.</summary>
        public TlsSessionInfo? Tls { get; }

        /// <summary>The conversation as recorded; kept out of the properties so that a log of results stays small.</summary>
        public IReadOnlyList<TranscriptEntry> GetTranscript() => transcript;
    }

    /// <summary>How far a conversation has got, reported now and then during long transfers.</summary>
    public sealed class TcpTransferStatus
    {
        public TcpTransferStatus(long sent, long toSend, long received)
        {
            Sent = sent;
            ToSend = toSend;
            Received = received;
        }

        public long Sent { get; }
        public long ToSend { get; }
        public long Received { get; }
    }
}
