using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Mail
{
    /// <summary>What a session asks of its connection, which Core holds (ImapConnection, with MailKit's client).</summary>
    internal interface IImapSessionHandle
    {
        bool IsConnected { get; }
        IReadOnlyList<string>? FolderNames { get; }
        void Dispose();
    }

    /// <summary>
    /// An IMAP login as users see it. Its work (folders, searches, messages, flags) is done by the connection behind
    /// it in Core, reached by session.Connection(). Summaries carry it, so they pipe into the cmdlets that fetch, flag,
    /// move or delete.
    /// </summary>
    public sealed class ImapSession : IDisposable
    {
        internal ImapSession(string computerName, int port, string? userName, string? tlsProtocol, IReadOnlyList<string> capabilities, string? greeting,
            IImapSessionHandle handle)
        {
            ComputerName = computerName;
            Port = port;
            UserName = userName;
            TlsProtocol = tlsProtocol;
            Capabilities = capabilities;
            Greeting = greeting;
            Handle = handle;
        }

        public string ComputerName { get; }
        public int Port { get; }
        public string? UserName { get; }
        public string? TlsProtocol { get; }
        public IReadOnlyList<string> Capabilities { get; }
        public string? Greeting { get; }
        public bool IsConnected => Handle.IsConnected;

        /// <summary>The folders' full names as the last whole listing found them (null before any): for completing names.</summary>
        public IReadOnlyList<string>? FolderNames => Handle.FolderNames;

        internal IImapSessionHandle Handle { get; }

        public override string ToString() => $"{UserName}@{Endpoints.Format(ComputerName, Port)}";

        /// <summary>Closes the session without logging out (Disconnect-Imap logs out).</summary>
        public void Dispose() => Handle.Dispose();
    }
}
