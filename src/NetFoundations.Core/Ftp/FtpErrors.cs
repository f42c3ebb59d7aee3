using System;
using System.IO;
using System.Net.Sockets;
using System.Security.Authentication;
using FluentFTP.Exceptions;

namespace NetFoundations.Core.Ftp
{
    /// <summary>Turns FluentFTP's exceptions and refusing replies into the project's error families.</summary>
    internal static class FtpErrors
    {
        public static Exception Translate(Exception error, string target, string? path = null)
        {
            if (error is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
                error = aggregate.InnerExceptions[0];
            switch (error)
            {
                case NetworkException _:
                case OperationCanceledException _:
                case ArgumentException _:
                case FileNotFoundException _:
                case UnauthorizedAccessException _:
                    return error;
                case FtpCommandException command:
                    return Refused(command.CompletionCode, command.Message, target, path, command);
                case FtpSecurityNotAvailableException _:
                    return new ProtocolViolationException($"{target} does not offer TLS (AUTH TLS was refused): {error.Message}", target, error);
                case FtpInvalidCertificateException _:
                case AuthenticationException _:
                    return new CertificateRejectedException($"TLS with {target} failed: {error.Message}", target, error);
                case SocketException socket:
                    return SocketErrors.Translate(socket, target);
                case IOException io when io.InnerException is SocketException socket:
                    return SocketErrors.Translate(socket, target);
                case TimeoutException _:
                    return new NetworkTimeoutException($"{target} did not answer in time: {error.Message}", target, error);
                case IOException io when io.Source == "FluentFTP" || (io.Source ?? string.Empty).StartsWith("System.Net", StringComparison.Ordinal):
                case ObjectDisposedException _:
                    return new ConnectionLostException($"The FTP connection with {target} failed: {error.Message}", target, error);
                case IOException _:
                    return error;   // a local file's error, with its own message
                case FtpException ftp:
                    return new ProtocolViolationException($"{target} broke the FTP protocol: {ftp.Message}", target, ftp);
                default:
                    return error;
            }
        }

        /// <summary>
        /// A refusing reply as an error: 530 a failed login, 550 with "permission" a denied access, other 4xx and 5xx
        /// a RemoteError with the code. A path that does not exist is found out before the command (FtpConnection.KindAsync).
        /// </summary>
        public static Exception Refused(string? code, string message, string target, string? path, Exception? inner = null)
        {
            var where = path ?? target;
            code ??= string.Empty;
            if (code == "522" && message.IndexOf("reuse", StringComparison.OrdinalIgnoreCase) >= 0)
                return new RemoteErrorException(
                    $"{target} requires the TLS session of the control connection to be reused on the data connection ({code} {message}); " +
                    "it is reused when the server is named by its host name (as its certificate names it), not by an address.", where, code, inner);
            if (code == "530")
                return new AuthenticationFailedException($"{target} refused the login: {code} {message}", target, code, inner);
            if (code == "550" && message.IndexOf("ermission", StringComparison.Ordinal) >= 0)
                return new UnauthorizedAccessException($"Permission denied for {where} on {target}: {code} {message}", inner);
            return new RemoteErrorException($"{target} refused {where}: {code} {message}", where, code, inner);
        }
    }
}
