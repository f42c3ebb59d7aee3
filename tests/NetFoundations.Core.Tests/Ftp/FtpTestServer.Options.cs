using System;
using System.Net;
using NetFoundations.Core.Ftp;

namespace NetFoundations.Core.Tests.Ftp
{
    public abstract partial class FtpTestServer
    {
        /// <summary>
        /// Options for the test user: explicit FTPS trusting the test CA, unless told otherwise. The server is named by its
        /// certificate's name and reached at 127.0.0.1: .NET reuses a TLS session, which vsftpd requires on the data
        /// connection, only for a server named by its host name.
        /// </summary>
        public FtpConnectionOptions Options(FtpSecurity security = FtpSecurity.Explicit, bool anonymous = false) =>
            new FtpConnectionOptions(Name, security == FtpSecurity.Implicit ? ImplicitPort : Port)
            {
                Addresses = new[] { IPAddress.Loopback },
                Security = security,
                Credential = anonymous ? null : Credential,
                AllowUnencryptedAuthentication = security == FtpSecurity.None,
                CertificateAuthorityPath = CertificateAuthorityPath,
                Timeout = TimeSpan.FromSeconds(20),
            };
    }
}
