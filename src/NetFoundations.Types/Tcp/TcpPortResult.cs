using System;
using System.Net;

namespace NetFoundations.Core.Tcp
{
    public enum TcpPortFailure : long
    {
        /// <summary>The port accepted the connection.</summary>
        None,
        /// <summary>The host answered with a reset: nothing listens there.</summary>
        Refused,
        /// <summary>No answer within the timeout (often a firewall that drops).</summary>
        Timeout,
        /// <summary>No route to the host or network.</summary>
        Unreachable,
        /// <summary>The name could not be resolved to an address.</summary>
        NameResolution,
        /// <summary>Any other local failure (for example too many open sockets); Message says which.</summary>
        Error,
    }

    /// <summary>One host and port, tested.</summary>
    public sealed class TcpPortResult
    {
        public TcpPortResult(string computerName, IPAddress? address, int port, TcpPortFailure failureKind, TimeSpan? latency, string? message)
        {
            ComputerName = computerName;
            Address = address?.ToString();
            Port = port;
            FailureKind = failureKind;
            LatencyMs = latency?.TotalMilliseconds;
            Message = message;
        }

        public string ComputerName { get; }

        /// <summary>The address tested: the first the name resolved to (IPv4 first); null when it did not resolve.</summary>
        public string? Address { get; }

        public int Port { get; }
        public bool Open => FailureKind == TcpPortFailure.None;
        public TcpPortFailure FailureKind { get; }

        /// <summary>Milliseconds until the connection was accepted or refused; null when there was no answer.</summary>
        public double? LatencyMs { get; }

        /// <summary>Why the port is not open, in words; null when it is.</summary>
        public string? Message { get; }
    }

    /// <summary>A host and port to test.</summary>
    public sealed class TcpPortTarget
    {
        /// <param name="address">Where to connect instead of resolving computerName, which stays the name shown; null to resolve it.</param>
        public TcpPortTarget(string computerName, int port, IPAddress? address = null)
        {
            if (string.IsNullOrWhiteSpace(computerName))
                throw new ArgumentException("A host name or address is needed.", nameof(computerName));
            Endpoints.ValidatePort(port, nameof(port));
            ComputerName = computerName;
            Port = port;
            Address = address;
        }

        public string ComputerName { get; }
        public int Port { get; }
        public IPAddress? Address { get; }
    }
}
