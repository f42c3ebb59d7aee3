using System;

namespace NetFoundations.Core.Caching
{
    /// <summary>An item read from memcached: its key, the server that holds it, its flags and value.</summary>
    public sealed class MemcachedItem
    {
        private readonly byte[] data;

        internal MemcachedItem(string key, string server, uint flags, byte[] data, ulong? cas, object? value, MemcachedSession? session)
        {
            Key = key;
            Server = server;
            Flags = flags;
            this.data = data;
            Cas = cas;
            Value = value;
            Session = session;
        }

        public string Key { get; }
        /// <summary>The server (host:port) that answered.</summary>
        public string Server { get; }
        public uint Flags { get; }
        /// <summary>How the flags say the value is to be read.</summary>
        public MemcachedValueFormat Format => Flags switch
        {
            0 => MemcachedValueFormat.Text,
            1 => MemcachedValueFormat.Bytes,
            2 => MemcachedValueFormat.Json,
            _ => MemcachedValueFormat.Other,
        };
        /// <summary>The value's size on the server, in bytes.</summary>
        public int Length => data.Length;
        /// <summary>The CAS unique, when asked for (gets); give it to Set-MemcachedItem -Mode Cas.</summary>
        public ulong? Cas { get; }
        /// <summary>Text (flags 0, when it is UTF-8), bytes (flags 1 or not UTF-8), or the object read from JSON (flags 2).</summary>
        public object? Value { get; }
        /// <summary>The session the item was read in, so it pipes into Set-, Remove- and Update- cmdlets.</summary>
        public MemcachedSession? Session { get; }

        /// <summary>The value's bytes as stored.</summary>
        public byte[] GetBytes() => (byte[])data.Clone();

        internal byte[] Data => data;

        internal MemcachedItem WithValue(object? value) => new MemcachedItem(Key, Server, Flags, data, Cas, value, Session);

        public override string ToString() => Key;
    }

    /// <summary>What a write (set, add, cas, touch, delete, incr, decr) did to one key.</summary>
    public sealed class MemcachedWriteResult
    {
        internal MemcachedWriteResult(string key, string server, MemcachedOperation operation, bool succeeded, string reply, ulong? counter)
        {
            Key = key;
            Server = server;
            Operation = operation;
            Succeeded = succeeded;
            Reply = reply;
            Counter = counter;
        }

        public string Key { get; }
        public string Server { get; }
        public MemcachedOperation Operation { get; }
        /// <summary>STORED, DELETED, TOUCHED or a counter's new value: true; NOT_STORED, EXISTS, NOT_FOUND: false.</summary>
        public bool Succeeded { get; }
        /// <summary>The server's reply line.</summary>
        public string Reply { get; }
        /// <summary>The counter's new value (incr, decr).</summary>
        public ulong? Counter { get; }

        public override string ToString() => $"{Operation} {Key}: {Reply}";
    }
}
