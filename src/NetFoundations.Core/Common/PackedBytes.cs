using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;

namespace NetFoundations.Core
{
    /// <summary>
    /// Struct-style binary packing for hand-made protocols, as Python's struct module does it
    /// (the book packs DNS and other headers this way). A format is an optional byte order
    /// ("!" or ">" big-endian, the default; "&lt;" little-endian; "=" or "@" this machine's order,
    /// without alignment) and codes with optional counts: x pad byte, c char, ? bool,
    /// b/B 8-bit, h/H 16-bit, i/I and l/L 32-bit, q/Q 64-bit (lower case signed), f float,
    /// d double, Ns a string of N bytes (encoded with the given encoding, NUL-padded).
    /// </summary>
    public static class PackedBytes
    {
        private sealed class Field
        {
            public Field(char code, int count) { Code = code; Count = count; }
            public char Code { get; }
            public int Count { get; }
        }

        /// <summary>An encoding by name (utf-8, ascii, latin1, utf-16 …) that throws on bytes or characters it cannot convert.</summary>
        public static Encoding StrictEncoding(string name)
        {
            try
            {
                return Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"'{name}' is not a text encoding this system knows (utf-8, ascii, latin1, utf-16, utf-32 …).", nameof(name), e);
            }
        }

        /// <summary>How many bytes one record of the format takes.</summary>
        public static int Size(string format) => Parse(format, out _).Sum(FieldSize);

        /// <summary>How many values one record of the format holds (pad bytes hold none; a string is one).</summary>
        public static int ValueCount(string format)
        {
            var count = 0;
            foreach (var field in Parse(format, out _))
                count += field.Code == 'x' ? 0 : field.Code == 's' ? 1 : field.Count;
            return count;
        }

        public static byte[] Pack(string format, IReadOnlyList<object?> values, Encoding encoding)
        {
            var fields = Parse(format, out var bigEndian);
            var expected = ValueCount(format);
            if (values.Count != expected)
                throw new ArgumentException($"The format '{format}' packs {expected} values, not {values.Count}.", nameof(values));
            var output = new byte[fields.Sum(FieldSize)];
            var position = 0;
            var next = 0;
            foreach (var field in fields)
            {
                if (field.Code == 'x')
                {
                    position += field.Count;
                    continue;
                }
                if (field.Code == 's')
                {
                    var bytes = EncodeText(values[next++], next, encoding);
                    if (bytes.Length > field.Count)
                        throw new ArgumentException($"Value {next} is {bytes.Length} bytes in {encoding.WebName}, longer than the {field.Count}s field.", nameof(values));
                    Buffer.BlockCopy(bytes, 0, output, position, bytes.Length);
                    position += field.Count;
                    continue;
                }
                for (var i = 0; i < field.Count; i++)
                {
                    var value = values[next++];
                    var raw = Encode(field.Code, value, next);
                    if (BitConverter.IsLittleEndian == bigEndian)
                        Array.Reverse(raw);
                    Buffer.BlockCopy(raw, 0, output, position, raw.Length);
                    position += raw.Length;
                }
            }
            return output;
        }

        /// <summary>
        /// Reads consecutive records of the format from data (one record, or as many as the data
        /// holds, like Python's iter_unpack). The data must be a whole number of records.
        /// </summary>
        public static IReadOnlyList<object[]> Unpack(string format, byte[] data, Encoding encoding)
        {
            var fields = Parse(format, out var bigEndian);
            var size = fields.Sum(FieldSize);
            if (size == 0)
                throw new ArgumentException($"The format '{format}' reads no bytes.", nameof(format));
            if (data.Length == 0 || data.Length % size != 0)
                throw new ProtocolViolationException(
                    $"The format '{format}' reads records of {size} bytes; {data.Length} bytes are not a whole number of them.", null);
            var records = new List<object[]>();
            for (var start = 0; start < data.Length; start += size)
                records.Add(UnpackOne(fields, bigEndian, data, start, encoding));
            return records;
        }

        private static object[] UnpackOne(IReadOnlyList<Field> fields, bool bigEndian, byte[] data, int position, Encoding encoding)
        {
            var values = new List<object>();
            foreach (var field in fields)
            {
                if (field.Code == 'x')
                {
                    position += field.Count;
                    continue;
                }
                if (field.Code == 's')
                {
                    var length = field.Count;
                    while (length > 0 && data[position + length - 1] == 0)
                        length--;
                    try
                    {
                        values.Add(encoding.GetString(data, position, length));
                    }
                    catch (DecoderFallbackException e)
                    {
                        throw new ProtocolViolationException(
                            $"Bytes {position} to {position + field.Count - 1} are not valid {encoding.WebName} text: {e.Message}", null, e);
                    }
                    position += field.Count;
                    continue;
                }
                var width = Width(field.Code);
                for (var i = 0; i < field.Count; i++)
                {
                    var raw = new byte[width];
                    Buffer.BlockCopy(data, position, raw, 0, width);
                    if (BitConverter.IsLittleEndian == bigEndian)
                        Array.Reverse(raw);
                    values.Add(Decode(field.Code, raw));
                    position += width;
                }
            }
            return values.ToArray();
        }

        private static byte[] EncodeText(object? value, int index, Encoding encoding)
        {
            if (value is byte[] bytes)
                return bytes;
            try
            {
                return encoding.GetBytes(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException($"Value {index} cannot be written in {encoding.WebName}: {e.Message}", nameof(value), e);
            }
        }

        private static byte[] Encode(char code, object? value, int index)
        {
            try
            {
                if (value is BigInteger big)
                    value = Narrow(big);
                return code switch
                {
                    'c' => new[] { checked((byte)Convert.ToChar(value, CultureInfo.InvariantCulture)) },
                    '?' => new[] { Convert.ToBoolean(value, CultureInfo.InvariantCulture) ? (byte)1 : (byte)0 },
                    'b' => new[] { unchecked((byte)Convert.ToSByte(value, CultureInfo.InvariantCulture)) },
                    'B' => new[] { Convert.ToByte(value, CultureInfo.InvariantCulture) },
                    'h' => BitConverter.GetBytes(Convert.ToInt16(value, CultureInfo.InvariantCulture)),
                    'H' => BitConverter.GetBytes(Convert.ToUInt16(value, CultureInfo.InvariantCulture)),
                    'i' => BitConverter.GetBytes(Convert.ToInt32(value, CultureInfo.InvariantCulture)),
                    'I' => BitConverter.GetBytes(Convert.ToUInt32(value, CultureInfo.InvariantCulture)),
                    'q' => BitConverter.GetBytes(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                    'Q' => BitConverter.GetBytes(Convert.ToUInt64(value, CultureInfo.InvariantCulture)),
                    'f' => BitConverter.GetBytes(Convert.ToSingle(value, CultureInfo.InvariantCulture)),
                    'd' => BitConverter.GetBytes(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
                    _ => throw new ArgumentException($"Unknown format code '{code}'."),
                };
            }
            catch (Exception e) when (e is OverflowException || e is FormatException || e is InvalidCastException)
            {
                throw new ArgumentException($"Value {index} ({value ?? "null"}) does not fit format code '{code}' ({Describe(code)}): {e.Message}", nameof(value), e);
            }
        }

        /// <summary>
        /// A BigInteger ([bigint], ConvertFrom-Json above Int64) is not IConvertible: as the smaller of long and ulong that
        /// holds it, so that the field's own range check decides; beyond both it fits only a float field.
        /// </summary>
        private static object Narrow(BigInteger value)
        {
            if (value >= long.MinValue && value <= long.MaxValue)
                return (long)value;
            if (value.Sign > 0 && value <= ulong.MaxValue)
                return (ulong)value;
            return (double)value;
        }

        private static object Decode(char code, byte[] raw) => code switch
        {
            'c' => (object)(char)raw[0],
            '?' => raw[0] != 0,
            'b' => unchecked((sbyte)raw[0]),
            'B' => raw[0],
            'h' => BitConverter.ToInt16(raw, 0),
            'H' => BitConverter.ToUInt16(raw, 0),
            'i' => BitConverter.ToInt32(raw, 0),
            'I' => BitConverter.ToUInt32(raw, 0),
            'q' => BitConverter.ToInt64(raw, 0),
            'Q' => BitConverter.ToUInt64(raw, 0),
            'f' => BitConverter.ToSingle(raw, 0),
            _ => BitConverter.ToDouble(raw, 0),
        };

        private static string Describe(char code) => code switch
        {
            'c' => "one-byte character",
            '?' => "boolean",
            'b' => "signed 8-bit",
            'B' => "unsigned 8-bit",
            'h' => "signed 16-bit",
            'H' => "unsigned 16-bit",
            'i' => "signed 32-bit",
            'I' => "unsigned 32-bit",
            'q' => "signed 64-bit",
            'Q' => "unsigned 64-bit",
            'f' => "32-bit float",
            _ => "64-bit float",
        };

        private static int Width(char code) => code switch
        {
            'h' => 2,
            'H' => 2,
            'i' => 4,
            'I' => 4,
            'f' => 4,
            'q' => 8,
            'Q' => 8,
            'd' => 8,
            _ => 1,
        };

        private static int FieldSize(Field field) => field.Code == 's' || field.Code == 'x' ? field.Count : field.Count * Width(field.Code);

        private static List<Field> Parse(string format, out bool bigEndian)
        {
            if (format == null)
                throw new ArgumentNullException(nameof(format));
            var text = format.Trim();
            bigEndian = true;
            var index = 0;
            if (text.Length > 0 && "!><=@".IndexOf(text[0]) >= 0)
            {
                bigEndian = text[0] == '!' || text[0] == '>' || ((text[0] == '=' || text[0] == '@') && !BitConverter.IsLittleEndian);
                index = 1;
            }
            var fields = new List<Field>();
            while (index < text.Length)
            {
                if (char.IsWhiteSpace(text[index]))
                {
                    index++;
                    continue;
                }
                var start = index;
                while (index < text.Length && char.IsDigit(text[index]))
                    index++;
                var count = 1;
                if (index > start && (!int.TryParse(text.Substring(start, index - start), NumberStyles.None, CultureInfo.InvariantCulture, out count) || count > 65536))
                    throw new ArgumentException($"The count at position {start} of '{format}' is larger than 65536.", nameof(format));
                if (index >= text.Length)
                    throw new ArgumentException($"The format '{format}' ends with a count and no code.", nameof(format));
                var code = text[index++];
                if ("xc?bBhHiIlLqQfds".IndexOf(code) < 0)
                    throw new ArgumentException($"'{code}' at position {index - 1} of '{format}' is not a format code (x c ? b B h H i I l L q Q f d s).", nameof(format));
                fields.Add(new Field(code == 'l' ? 'i' : code == 'L' ? 'I' : code, count));
            }
            return fields;
        }
    }
}
