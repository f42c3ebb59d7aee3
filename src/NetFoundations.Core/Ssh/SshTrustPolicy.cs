namespace NetFoundations.Core.Ssh
{
    /// <summary>How a server's host key is trusted.</summary>
    public enum SshTrustPolicy
    {
        /// <summary>The key must already be in known_hosts.</summary>
        Strict,
        /// <summary>A host not in known_hosts has its key recorded; a changed key is still refused.</summary>
        TrustOnFirstUse,
        /// <summary>The key must have the given SHA256 fingerprint.</summary>
        Pinned,
        /// <summary>Any key is accepted (by name only, with a warning).</summary>
        Insecure,
    }
}
