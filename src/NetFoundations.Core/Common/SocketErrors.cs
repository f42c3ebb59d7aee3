using System;
using System.IO;
using System.Net.Sockets;

namespace NetFoundations.Core
{
    /// <summary>Turns socket-level failures into the project's error families.</summary>
    public static class SocketErrors
    {
        public static NetworkException Translate(SocketException error, string target)
        {
            switch (error.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return new ConnectionRefusedException($"Connection to {target} was refused.", target, error);
                case SocketError.TimedOut:
                    return new NetworkTimeoutException($"Connection to {target} timed out.", target, error);
                case SocketError.HostUnreachable:
                case SocketError.NetworkUnreachable:
                case SocketError.NetworkDown:
                case SocketError.AddressNotAvailable:
                    return new NetworkUnreachableException($"{target} is unreachable: {error.Message}", target, error);
                case SocketError.HostNotFound:
                case SocketError.NoData:
                case SocketError.TryAgain:
                    return new NameResolutionException($"The name in {target} could not be resolved: {error.Message}", target, error);
                case SocketError.ConnectionReset:
                case SocketError.ConnectionAborted:
                case SocketError.Shutdown:
                    return new ConnectionLostException($"The connection with {target} was lost: {error.Message}", target, error);
                case SocketError.MessageSize:
                    return new InvalidNetworkRequestException($"The datagram for {target} is larger than the socket allows: {error.Message}", target, error);
                default:
                    return new ConnectionLostException($"Network error with {target}: {error.Message} ({error.SocketErrorCode}).", target, error);
            }
        }

        /// <summary>
        /// Why an open connection failed, as an error family: ours as they are, a socket's (also inside a stream's
        /// IOException) translated, anything else a lost connection.
        /// </summary>
        public static NetworkException OfConnection(Exception error, string target)
        {
            switch (error)
            {
                case NetworkException network:
                    return network;
                case SocketException socket:
                    return Translate(socket, target);
                case IOException io when io.InnerException is SocketException socket:
                    return Translate(socket, target);
                default:
                    return new ConnectionLostException($"The connection with {target} was lost: {error.Message}", target, error);
            }
        }
    }
}
