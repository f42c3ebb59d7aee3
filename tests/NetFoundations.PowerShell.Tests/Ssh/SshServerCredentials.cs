using System.Management.Automation;
using System.Net;
using NetFoundations.Core.Tests.Ssh;

namespace NetFoundations.PowerShell.Tests.Ssh
{
    public static class SshServerCredentials
    {
        /// <summary>The test user as a cmdlet takes it, with the right password or the one given.</summary>
        public static PSCredential PSCredential(this SshServer server, string? password = null) =>
            new PSCredential(server.UserName, new NetworkCredential(string.Empty, password ?? server.Password).SecurePassword);
    }
}
