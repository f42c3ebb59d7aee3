using System;
using System.Text;

namespace NetFoundations.Core.Caching
{
    /// <summary>The text protocol's rules for keys: at most 250 bytes (UTF-8), no space or control character.</summary>
    public static class MemcachedKeys
    {
        public const int MaxKeyBytes = 250;

        /// <summary>The key's bytes on the wire; an InvalidNetworkRequestException naming the rule it breaks.</summary>
        public static byte[] Validate(string? key)
        {
            if (string.IsNullOrEmpty(key))
                throw new InvalidNetworkRequestException("A memcached key cannot be empty.", key);
            foreach (var c in key!)
            {
                if (c <= ' ' || c == '\x7f' || (c >= '\x80' && c <= '\x9f'))
                    throw new InvalidNetworkRequestException(
                        $"The memcached key '{Printable(key)}' holds a space or control character (\\x{(int)c:X2}), which the text protocol cannot carry.", Printable(key));
            }
            var bytes = Encoding.UTF8.GetBytes(key);
            if (bytes.Length > MaxKeyBytes)
                throw new InvalidNetworkRequestException(
                    $"The memcached key '{Printable(key).Substring(0, 40)}…' is {bytes.Length} bytes long; memcached takes at most {MaxKeyBytes}.", Printable(key));
            return bytes;
        }

        private static string Printable(string key)
        {
            var text = new StringBuilder(Math.Min(key.Length, 300));
            foreach (var c in key)
            {
                if (text.Length >= 300)
                    break;
                text.Append(c < ' ' || c == '\x7f' ? '?' : c);
            }
            return text.ToString();
        }
    }
}
