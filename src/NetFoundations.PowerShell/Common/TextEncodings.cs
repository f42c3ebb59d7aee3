using System;
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
    }
}
