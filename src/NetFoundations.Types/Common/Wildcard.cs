using System.Text;
using System.Text.RegularExpressions;

namespace NetFoundations.Core
{
    /// <summary>
    /// Shell-style wildcards: * stands for any run of characters (none too), ? for exactly one, every
    /// other character for itself; a pattern matches the whole text. Whether case counts is the
    /// caller's rule: mail folder and attachment names and host names ignore it, POSIX file names
    /// (SFTP) do not.
    /// </summary>
    internal static class Wildcard
    {
        public static Regex ToRegex(string pattern, bool ignoreCase)
        {
            var regex = new StringBuilder("^", pattern.Length + 8);
            foreach (var c in pattern)
            {
                if (c == '*')
                    regex.Append(".*");
                else if (c == '?')
                    regex.Append('.');
                else
                    regex.Append(Regex.Escape(c.ToString()));
            }
            regex.Append("\\z");
            // Singleline: a name with a line break in it is still one name that * spans.
            var options = RegexOptions.Singleline | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
            return new Regex(regex.ToString(), options);
        }

        public static bool IsMatch(string text, string pattern, bool ignoreCase) => ToRegex(pattern, ignoreCase).IsMatch(text);
    }
}
