using System;
using System.Management.Automation;
using NetFoundations.Core;

namespace NetFoundations.PowerShell
{
    /// <summary>Maps Core's error families to ErrorRecords with stable ErrorIds and categories.</summary>
    public static class ErrorMapping
    {
        public static ErrorRecord ToErrorRecord(Exception error, object? target)
        {
            if (error is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
                error = aggregate.InnerExceptions[0];
            switch (error)
            {
                case NetworkException network:
                    return new ErrorRecord(network, ErrorId(network.Kind), Category(network.Kind), target ?? network.Target);
                case ArgumentException argument:
                    return new ErrorRecord(argument, "InvalidArgument", ErrorCategory.InvalidArgument, target);
                case TimeoutException timeout:
                    return new ErrorRecord(timeout, "OperationTimedOut", ErrorCategory.OperationTimeout, target);
                case UnauthorizedAccessException denied:
                    return new ErrorRecord(denied, "PermissionDenied", ErrorCategory.PermissionDenied, target);
                case System.IO.FileNotFoundException _:
                case System.IO.DirectoryNotFoundException _:
                    return new ErrorRecord(error, "PathNotFound", ErrorCategory.ObjectNotFound, target);
                case System.IO.IOException io:
                    return new ErrorRecord(io, "FileError", ErrorCategory.WriteError, target);
                default:
                    return new ErrorRecord(error, "UnexpectedError", ErrorCategory.NotSpecified, target);
            }
        }

        public static string ErrorId(NetworkErrorKind kind) => kind switch
        {
            NetworkErrorKind.NameResolution => "NameResolutionFailed",
            NetworkErrorKind.ConnectionRefused => "ConnectionRefused",
            NetworkErrorKind.Unreachable => "NetworkUnreachable",
            NetworkErrorKind.Timeout => "OperationTimedOut",
            NetworkErrorKind.ConnectionLost => "ConnectionLost",
            NetworkErrorKind.CertificateRejected => "CertificateRejected",
            NetworkErrorKind.HostKeyRejected => "HostKeyRejected",
            NetworkErrorKind.AuthenticationFailed => "AuthenticationFailed",
            NetworkErrorKind.ProtocolViolation => "ProtocolViolation",
            NetworkErrorKind.RemoteError => "RemoteError",
            NetworkErrorKind.InvalidInput => "InvalidRequest",
            _ => "NetworkError",
        };

        public static ErrorCategory Category(NetworkErrorKind kind) => kind switch
        {
            NetworkErrorKind.NameResolution => ErrorCategory.ObjectNotFound,
            NetworkErrorKind.ConnectionRefused => ErrorCategory.ConnectionError,
            NetworkErrorKind.Unreachable => ErrorCategory.ConnectionError,
            NetworkErrorKind.ConnectionLost => ErrorCategory.ConnectionError,
            NetworkErrorKind.Timeout => ErrorCategory.OperationTimeout,
            NetworkErrorKind.CertificateRejected => ErrorCategory.SecurityError,
            NetworkErrorKind.HostKeyRejected => ErrorCategory.SecurityError,
            NetworkErrorKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
            NetworkErrorKind.ProtocolViolation => ErrorCategory.ProtocolError,
            NetworkErrorKind.RemoteError => ErrorCategory.InvalidResult,
            NetworkErrorKind.InvalidInput => ErrorCategory.InvalidArgument,
            _ => ErrorCategory.NotSpecified,
        };
    }
}
