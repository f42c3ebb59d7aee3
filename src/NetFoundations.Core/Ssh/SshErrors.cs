using System;
using System.IO;
using System.Net.Sockets;
using Renci.SshNet.Common;
using Renci.SshNet.Messages.Transport;

namespace NetFoundations.Core.Ssh
{
    /// <summary>Turns SSH.NET's exceptions into the project's error families.</summary>
    internal static class SshErrors
    {
        public static Exception Translate(Exception error, string target, string? path = null)
        {
            if (error is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
                error = aggregate.InnerExceptions[0];
            var where = path ?? target;
            switch (error)
            {
                case NetworkException _:
                case OperationCanceledException _:
                case ArgumentException _:
                case IOException _ when !(error.InnerException is SocketException):
                    return error;
                case SocketException socket:
                    return SocketErrors.Translate(socket, target);
                case IOException io when io.InnerException is SocketException socket:
                    return SocketErrors.Translate(socket, target);
                case SshAuthenticationException _:
                case SshPassPhraseNullOrEmptyException _:
                    return new AuthenticationFailedException($"Login to {target} failed: {error.Message}", target, inner: error);
                case SshOperationTimeoutException _:
                    return new NetworkTimeoutException($"{target} did not answer in time: {error.Message}", target, error);
                case SftpPathNotFoundException _:
                    return new FileNotFoundException($"{where} does not exist on {target}.", where, error);
                case SftpPermissionDeniedException _:
                    return new UnauthorizedAccessException($"Permission denied for {where} on {target}.", error);
                case SftpException sftp:
                    return new RemoteErrorException($"The SFTP server {target} refused {where}: {sftp.Message}", where, sftp.StatusCode.ToString(), sftp);
                case SshConnectionException connection when connection.DisconnectReason == DisconnectReason.ProtocolError:
                    // SSH.NET's own bounds (identification line length, lines before it) end here, with the bound in the message.
                    return new ProtocolViolationException($"{target} broke the SSH protocol: {connection.Message}", target, connection);
                case SshConnectionException connection:
                    return new ConnectionLostException($"The SSH connection with {target} failed: {connection.Message} ({connection.DisconnectReason}).", target, connection);
                case ObjectDisposedException _:
                    return new ConnectionLostException($"The SSH session with {target} is closed.", target, error);
                case SshException ssh:
                    return new ProtocolViolationException($"SSH error with {target}: {ssh.Message}", target, ssh);
                default:
                    return error;
            }
        }
    }
}
