using System;
using System.Collections.Generic;
using System.Net;

namespace NetFoundations.Core.Tls
{
    /// <summary>Where a TLS test connected, and how long the stages before the handshake took (Core's connector gives it).</summary>
    internal interface ITlsConnectedEndpoint
    {
        IPAddress Address { get; }
        TimeSpan ResolveTime { get; }
        TimeSpan ConnectTime { get; }
        TimeSpan StartTlsTime { get; }
        IReadOnlyList<TranscriptEntry> StartTlsTranscript { get; }
    }
}
