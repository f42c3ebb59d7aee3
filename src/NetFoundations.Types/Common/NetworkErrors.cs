using System;

namespace NetFoundations.Core
{
    /// <summary>The families of network failure, the same in every protocol.</summary>
    public enum NetworkErrorKind
    {
        NameResolution,
        ConnectionRefused,
        Unreachable,
        Timeout,
        ConnectionLost,
        CertificateRejected,
        HostKeyRejected,
        AuthenticationFailed,
        ProtocolViolation,
        RemoteError,
        InvalidInput,
    }

    /// <summary>Base of every failure Core reports. Target names what failed: host, host:port or path.</summary>
    public abstract class NetworkException : Exception
    {
        protected NetworkException(NetworkErrorKind kind, string message, string? target, Exception? inner, string? replyCode = null)
            : base(message, inner)
        {
            Kind = kind;
            Target = target;
            ReplyCode = replyCode;
        }

        public NetworkErrorKind Kind { get; }
        public string? Target { get; }
        /// <summary>The protocol's own reply or status code, where it has one.</summary>
        public string? ReplyCode { get; }
    }

    public sealed class NameResolutionException : NetworkException
    {
        public NameResolutionException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.NameResolution, message, target, inner) { }
    }

    public sealed class ConnectionRefusedException : NetworkException
    {
        public ConnectionRefusedException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.ConnectionRefused, message, target, inner) { }
    }

    public sealed class NetworkUnreachableException : NetworkException
    {
        public NetworkUnreachableException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.Unreachable, message, target, inner) { }
    }

    public sealed class NetworkTimeoutException : NetworkException
    {
        public NetworkTimeoutException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.Timeout, message, target, inner) { }
    }

    /// <summary>An established connection broke: reset or aborted by the peer or the network.</summary>
    public sealed class ConnectionLostException : NetworkException
    {
        public ConnectionLostException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.ConnectionLost, message, target, inner) { }
    }

    public sealed class CertificateRejectedException : NetworkException
    {
        public CertificateRejectedException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.CertificateRejected, message, target, inner) { }
    }

    public sealed class HostKeyRejectedException : NetworkException
    {
        public HostKeyRejectedException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.HostKeyRejected, message, target, inner) { }
    }

    public sealed class AuthenticationFailedException : NetworkException
    {
        public AuthenticationFailedException(string message, string? target, string? replyCode = null, Exception? inner = null)
            : base(NetworkErrorKind.AuthenticationFailed, message, target, inner, replyCode) { }
    }

    /// <summary>The peer said something we cannot accept: malformed, oversized, out of sequence.</summary>
    public sealed class ProtocolViolationException : NetworkException
    {
        public ProtocolViolationException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.ProtocolViolation, message, target, inner) { }
    }

    /// <summary>The peer answered with a well-formed error reply.</summary>
    public sealed class RemoteErrorException : NetworkException
    {
        public RemoteErrorException(string message, string? target, string? replyCode, Exception? inner = null)
            : base(NetworkErrorKind.RemoteError, message, target, inner, replyCode) { }
    }

    /// <summary>The caller asked for something that cannot be done (datagram too large, bad format, unsupported here).</summary>
    public sealed class InvalidNetworkRequestException : NetworkException
    {
        public InvalidNetworkRequestException(string message, string? target, Exception? inner = null)
            : base(NetworkErrorKind.InvalidInput, message, target, inner) { }
    }
}
