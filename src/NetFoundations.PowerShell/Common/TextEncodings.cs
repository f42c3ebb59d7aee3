using System;
using System.Management.Automation;
using System.Text;

namespace NetFoundations.PowerShell
{
    /// <summary>The names an -Encoding parameter accepts (its ValidateSet) and the encodings they stand for.</summary>
    internal static class TextEncodings
    {
        public const string Default = "UTF8";

        public static Encoding Get(string name) => name.ToUpperInvariant() switch
        {
            "UTF8" => new UTF8Encoding(false),
            "ASCII" => Encoding.ASCII,
            "UNICODE" => new UnicodeEncoding(false, false),
            "BIGENDIANUNICODE" => new UnicodeEncoding(true, false),
            "UTF32" => new UTF32Encoding(false, false),
            "LATIN1" => Encoding.GetEncoding(28591),
            _ => throw new ArgumentException($"Unknown encoding {name}.", nameof(name)),
        };

        /// <summary>A parameter that takes text or bytes (a delimiter, a greeting): text is encoded, anything else converted to bytes.</summary>
        public static byte[] Bytes(object value, Encoding encoding)
        {
            var bare = value is PSObject wrapped ? wrapped.BaseObject : value;
            return bare is string text ? encoding.GetBytes(text) : LanguagePrimitives.ConvertTo<byte[]>(bare);
        }
    }
}
