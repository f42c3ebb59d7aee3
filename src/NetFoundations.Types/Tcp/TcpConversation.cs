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
        private readonly Lazy<string> receivedText;
        private readonly Lazy<IReadOnlyList<string>> messages;

        public TcpConversation(string computerName, IPAddress address, int port, IPEndPoint localEndPoint, long sent,
            byte[] received, IReadOnlyList<byte[]> frames, Encoding encoding, TimeSpan connectTime, TimeSpan? firstByteTime,
            TimeSpan totalTime, TlsSessionInfo? tls, IReadOnlyList<TranscriptEntry> transcript)
        {
            ComputerName = computerName;
            Address = address;
            Port = port;
            LocalEndPoint = localEndPoint;
            Sent = sent;
            Received = received;
            Frames = frames;
            this.encoding = encoding;
            ConnectTime = connectTime;
            FirstByteTime = firstByteTime;
            TotalTime = totalTime;
            Tls = tls;
            Transcript = transcript;
            receivedText = new Lazy<string>(() => encoding.GetString(received));
            messages = new Lazy<IReadOnlyList<string>>(() => frames.Select(f => encoding.GetString(f)).ToArray());
        }

        public string ComputerName { get; }
        public IPAddress Address { get; }
        public int Port { get; }
        public IPEndPoint LocalEndPoint { get; }

        /// <summary>Bytes sent, length prefixes included.</summary>
        public long Sent { get; }

        /// <summary>Every byte read from the connection (for delimited framings this may run past the last frame).</summary>
        public byte[] Received { get; }

        /// <summary>Received, decoded with the conversation's encoding.</summary>
        public string ReceivedText => receivedText.Value;

        /// <summary>The received frames: without delimiters, line ends or length prefixes.</summary>
        public IReadOnlyList<byte[]> Frames { get; }

        /// <summary>The frames decoded as text.</summary>
        public IReadOnlyList<string> Messages => messages.Value;

        public string EncodingName => encoding.WebName;

        /// <summary>From the start (name resolution included) until the connection was established.</summary>
        public TimeSpan ConnectTime { get; }

        /// <summary>From the start until the first byte arrived; null when none did.</summary>
        public TimeSpan? FirstByteTime { get; }

        public TimeSpan TotalTime { get; }

        /// <summary>What the TLS handshake negotiated (protocol, cipher suite, certificate and its verification); null for plain TCP.</summary>
        public TlsSessionInfo? Tls { get; }

        public IReadOnlyList<TranscriptEntry> Transcript { get; }
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
