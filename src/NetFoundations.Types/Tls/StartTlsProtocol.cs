namespace NetFoundations.Core.Tls
{
    /// <summary>The plain-text protocols whose connection can be upgraded to TLS, as openssl s_client -starttls does.</summary>
    public enum StartTlsProtocol : long
    {
        None,
        Smtp,
        Imap,
        Pop3,
        Ftp,
    }
}
