using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetFoundations.Core.Rpc
{
    /// <summary>
    /// The JSON of JSON-RPC, both ways, bounded: a reader of untrusted UTF-8 text that limits nesting (MaxDepth) and reads
    /// only the bytes it is given (the transport bounds them), and a writer of the values XML-RPC sends too. Read values
    /// are plain .NET values: null, bool, string, int or long (integers that fit), double (other numbers),
    /// Dictionary&lt;string, object?&gt; (members in the order sent; a repeated name keeps its first place and its last value), object?[].
    /// Our own rather than System.Text.Json: Core is netstandard2.0, where System.Text.Json is a package with five more
    /// assemblies to keep in the module's load context (and PowerShell 7 has its own copy in the default one), while
    /// JSON-RPC needs only this much.
    /// </summary>
    public static class RpcJson
    {
        public const int MaxDepth = 64;

        // ---- writing ----

        public static void Write(StringBuilder text, object? value, int depth = 0)
        {
            if (depth > MaxDepth)
                throw new InvalidNetworkRequestException($"The value is nested more than {MaxDepth} levels deep (a structure that contains itself?).", null);
            switch (value)
            {
                case null:
                    text.Append("null");
                    break;
                case string s:
                    WriteString(text, s);
                    break;
                case char c:
                    WriteString(text, c.ToString());
                    break;
                case bool b:
                    text.Append(b ? "true" : "false");
                    break;
                case byte _: case sbyte _: case short _: case ushort _: case int _: case uint _: case long _: case ulong _:
                    text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
                case decimal m:
                    text.Append(m.ToString(CultureInfo.InvariantCulture));
                    break;
                case float _: case double _:
                    var real = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsNaN(real) || double.IsInfinity(real))
                        throw new InvalidNetworkRequestException($"{real} cannot be sent: JSON numbers are finite.", null);
                    text.Append(real.ToString("R", CultureInfo.InvariantCulture));
                    break;
                case DateTime time:
                    WriteString(text, time.ToString("o", CultureInfo.InvariantCulture));
                    break;
                case DateTimeOffset offset:
                    WriteString(text, offset.ToString("o", CultureInfo.InvariantCulture));
                    break;
                case byte[] bytes:
                    WriteString(text, Convert.ToBase64String(bytes));
                    break;
                case IDictionary dictionary:
                    text.Append('{');
                    var first = true;
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        if (!first)
                            text.Append(',');
                        first = false;
                        WriteString(text, Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                        text.Append(':');
                        Write(text, entry.Value, depth + 1);
                    }
                    text.Append('}');
                    break;
                case IEnumerable items:
                    text.Append('[');
                    var firstItem = true;
                    foreach (var item in items)
                    {
                        if (!firstItem)
                            text.Append(',');
                        firstItem = false;
                        Write(text, item, depth + 1);
                    }
                    text.Append(']');
                    break;
                default:
                    throw new InvalidNetworkRequestException(
                        $"A {value.GetType().FullName} cannot be sent in JSON-RPC: give a number, string, boolean, date, byte[], dictionary or list.", null);
            }
        }

        public static string Serialize(object? value)
        {
            var text = new StringBuilder();
            Write(text, value);
            return text.ToString();
        }

        private static void WriteString(StringBuilder text, string value)
        {
            text.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    case '\b': text.Append("\\b"); break;
                    case '\f': text.Append("\\f"); break;
                    default:
                        if (c < 0x20 || c == '\u2028' || c == '\u2029')
                            text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else
                            text.Append(c);
                        break;
                }
            }
            text.Append('"');
        }

        // ---- reading ----

        /// <summary>
        /// Parses one JSON value filling the whole of utf8 (a BOM allowed); malformed or too deep is a ProtocolViolationException
        /// whose message starts with source ("The request", on a server), else "The reply from target".
        /// </summary>
        public static object? Parse(byte[] utf8, string? target, string? source = null)
        {
            source ??= $"The reply from {target}";
            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8);
            }
            catch (ArgumentException)
            {
                throw new ProtocolViolationException($"{source} is not valid UTF-8, so not JSON.", target);
            }
            return new Reader(text, target, source).ReadDocument();
        }

        private sealed class Reader
        {
            private readonly string text;
            private readonly string? target;
            private readonly string source;
            private int position;

            public Reader(string text, string? target, string source)
            {
                this.text = text;
                this.target = target;
                this.source = source;
                if (text.Length > 0 && text[0] == '\uFEFF')
                    position = 1;
            }

            public object? ReadDocument()
            {
                var value = ReadValue(0);
                SkipSpace();
                if (position != text.Length)
                    throw Bad("text after the value");
                return value;
            }

            private ProtocolViolationException Bad(string what) =>
                new ProtocolViolationException($"{source} is not valid JSON: {what} at character {position}.", target);

            private void SkipSpace()
            {
                while (position < text.Length && (text[position] == ' ' || text[position] == '\t' || text[position] == '\n' || text[position] == '\r'))
                    position++;
            }

            private object? ReadValue(int depth)
            {
                if (depth > MaxDepth)
                    throw new ProtocolViolationException($"{source} nests JSON more than {MaxDepth} levels deep.", target);
                SkipSpace();
                if (position >= text.Length)
                    throw Bad("the end of the text where a value was expected");
                var c = text[position];
                switch (c)
                {
                    case '{': return ReadObject(depth);
                    case '[': return ReadArray(depth);
                    case '"': return ReadString();
                    case 't': return Literal("true", true);
                    case 'f': return Literal("false", false);
                    case 'n': return Literal("null", null);
                    default:
                        if (c == '-' || (c >= '0' && c <= '9'))
                            return ReadNumber();
                        throw Bad($"'{c}'");
                }
            }

            private object? Literal(string word, object? value)
            {
                if (string.CompareOrdinal(text, position, word, 0, word.Length) != 0)
                    throw Bad("an unknown word");
                position += word.Length;
                return value;
            }

            private Dictionary<string, object?> ReadObject(int depth)
            {
                var members = new Dictionary<string, object?>(StringComparer.Ordinal);
                position++;
                SkipSpace();
                if (position < text.Length && text[position] == '}')
                {
                    position++;
                    return members;
                }
                while (true)
                {
                    SkipSpace();
                    if (position >= text.Length || text[position] != '"')
                        throw Bad("a member name expected");
                    var name = ReadString();
                    SkipSpace();
                    if (position >= text.Length || text[position] != ':')
                        throw Bad("':' expected");
                    position++;
                    var value = ReadValue(depth + 1);
                    members[name] = value;
                    SkipSpace();
                    if (position < text.Length && text[position] == ',')
                    {
                        position++;
                        continue;
                    }
                    if (position < text.Length && text[position] == '}')
                    {
                        position++;
                        return members;
                    }
                    throw Bad("',' or '}' expected");
                }
            }

            private object?[] ReadArray(int depth)
            {
                var items = new List<object?>();
                position++;
                SkipSpace();
                if (position < text.Length && text[position] == ']')
                {
                    position++;
                    return items.ToArray();
                }
                while (true)
                {
                    items.Add(ReadValue(depth + 1));
                    SkipSpace();
                    if (position < text.Length && text[position] == ',')
                    {
                        position++;
                        continue;
                    }
                    if (position < text.Length && text[position] == ']')
                    {
                        position++;
                        return items.ToArray();
                    }
                    throw Bad("',' or ']' expected");
                }
            }

            private string ReadString()
            {
                position++;
                var value = new StringBuilder();
                while (true)
                {
                    if (position >= text.Length)
                        throw Bad("an unterminated string");
                    var c = text[position++];
                    if (c == '"')
                        return value.ToString();
                    if (c < 0x20)
                        throw Bad("a control character in a string");
                    if (c != '\\')
                    {
                        value.Append(c);
                        continue;
                    }
                    if (position >= text.Length)
                        throw Bad("an unterminated escape");
                    var e = text[position++];
                    switch (e)
                    {
                        case '"': value.Append('"'); break;
                        case '\\': value.Append('\\'); break;
                        case '/': value.Append('/'); break;
                        case 'b': value.Append('\b'); break;
                        case 'f': value.Append('\f'); break;
                        case 'n': value.Append('\n'); break;
                        case 'r': value.Append('\r'); break;
                        case 't': value.Append('\t'); break;
                        case 'u':
                            if (position + 4 > text.Length
                                || !int.TryParse(text.Substring(position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                                throw Bad("an invalid \\u escape");
                            value.Append((char)code);
                            position += 4;
                            break;
                        default:
                            throw Bad($"an invalid escape \\{e}");
                    }
                }
            }

            private object ReadNumber()
            {
                var start = position;
                if (text[position] == '-')
                    position++;
                var digits = position;
                while (position < text.Length && text[position] >= '0' && text[position] <= '9')
                    position++;
                if (position == digits || (text[digits] == '0' && position - digits > 1))
                    throw Bad("an invalid number");
                var integral = true;
                if (position < text.Length && text[position] == '.')
                {
                    integral = false;
                    position++;
                    var fraction = position;
                    while (position < text.Length && text[position] >= '0' && text[position] <= '9')
                        position++;
                    if (position == fraction)
                        throw Bad("an invalid number");
                }
                if (position < text.Length && (text[position] == 'e' || text[position] == 'E'))
                {
                    integral = false;
                    position++;
                    if (position < text.Length && (text[position] == '+' || text[position] == '-'))
                        position++;
                    var exponent = position;
                    while (position < text.Length && text[position] >= '0' && text[position] <= '9')
                        position++;
                    if (position == exponent)
                        throw Bad("an invalid number");
                }
                var number = text.Substring(start, position - start);
                if (integral && long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                    return whole >= int.MinValue && whole <= int.MaxValue ? (object)(int)whole : whole;
                return double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
    }
}
