namespace NetFoundations.Core.Caching
{
    /// <summary>How a key chooses its server among a session's servers.</summary>
    public enum KeyDistribution : long
    {
        /// <summary>CRC32 of the key (bits 16 to 30, as Cache::Memcached) modulo the number of servers: most keys move when a server is added or removed.</summary>
        Modulo,
        /// <summary>Consistent hashing with libketama's points (160 per server, MD5 of "host:port-i"): about 1/n of the keys move.</summary>
        Ketama,
        /// <summary>Highest random weight (MurmurHash3 of "host:port-key", pymemcache's HashClient): about 1/n of the keys move.</summary>
        Rendezvous,
    }

    /// <summary>What an item's value is, as its flags say on the server (a convention of this module, stated in the help).</summary>
    public enum MemcachedValueFormat : long
    {
        /// <summary>Flags 0: UTF-8 text (what pymemcache writes for both text and bytes with its defaults).</summary>
        Text = 0,
        /// <summary>Flags 1: raw bytes.</summary>
        Bytes = 1,
        /// <summary>Flags 2: an object as UTF-8 JSON (ConvertTo-Json), read back as ConvertFrom-Json gives it.</summary>
        Json = 2,
        /// <summary>Any other flags: written by another client; the value is its bytes.</summary>
        Other = 3,
    }

    /// <summary>The command a write sent.</summary>
    public enum MemcachedOperation : long
    {
        Set,
        Add,
        Replace,
        Append,
        Prepend,
        Cas,
        Touch,
        Delete,
        Increment,
        Decrement,
    }
}
