using System;
using System.Net.Sockets;
using System.Reflection;
using Renci.SshNet;

namespace NetFoundations.Core.Ssh
{
    /// <summary>
    /// Shuts down the socket beneath an SSH.NET client, so that a send blocked on it ends at once.
    /// </summary>
    /// <remarks>
    /// When a frozen server stops reading, SSH.NET's Socket.Send blocks with the session's write and dispose locks held,
    /// and its Dispose waits for those locks: the thread and the connection would stay until the server reads again or
    /// dies. A shutdown needs no lock, and the blocked send then fails, so SSH.NET releases its locks and disposes.
    /// SSH.NET 2026.0.0 offers no way to supply or reach its socket (its socket factory is internal), so it is reached by
    /// its private names: BaseClient.Session and Session._socket. SshNetSocketTests pins those names, so an SSH.NET
    /// upgrade that changes them fails a test instead of silently leaving threads blocked.
    /// </remarks>
    internal static class SshNetSocket
    {
        private static readonly PropertyInfo? SessionProperty =
            typeof(BaseClient).GetProperty("Session", BindingFlags.NonPublic | BindingFlags.Instance);

        private static readonly FieldInfo? SocketField =
            typeof(BaseClient).Assembly.GetType("Renci.SshNet.Session")?.GetField("_socket", BindingFlags.NonPublic | BindingFlags.Instance);

        /// <summary>Whether this SSH.NET still has the private members Shutdown relies on.</summary>
        internal static bool Reachable => SessionProperty != null && SocketField != null;

        /// <summary>The client's socket, or null when it has none (not connected, or already disposed).</summary>
        internal static Socket? Of(BaseClient client)
        {
            var session = SessionProperty?.GetValue(client);
            return session == null ? null : SocketField?.GetValue(session) as Socket;
        }

        /// <summary>Shuts the client's socket down both ways; never throws (the socket may be closing already).</summary>
        public static void Shutdown(BaseClient client)
        {
            try
            {
                Of(client)?.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException || e is ObjectDisposedException || e is TargetInvocationException)
            {
            }
        }
    }
}
