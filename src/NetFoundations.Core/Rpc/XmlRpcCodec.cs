using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Xml;

namespace NetFoundations.Core.Rpc
{
    /// <summary>What may be sent beyond XML-RPC's core types.</summary>
    public sealed class XmlRpcEncoding
    {
        /// <summary>Send integers beyond 32 bits as the &lt;i8&gt; extension; without it such a value is refused.</summary>
        public bool AllowI8 { get; set; }
        /// <summary>Send null as the &lt;nil/&gt; extension; without it a null is refused.</summary>
        public bool AllowNil { get; set; }
    }

    /// <summary>
    /// XML-RPC's encoding both ways. Values sent: int/i4 (and i8 when allowed), boolean, string, double, dateTime.iso8601,
    /// base64 (byte[]), struct (IDictionary), array (any other IEnumerable), nil (when allowed). Values read are plain .NET
    /// values: int, or long beyond 32 bits (&lt;i8&gt;, or an &lt;int&gt; whose value does not fit, as Python's client reads it),
    /// bool, string, double, DateTime, byte[], Dictionary&lt;string, object?&gt; (in the order sent), object?[], null.
    /// The reader refuses DTDs, bounds nesting (MaxDepth) and reads only what it is given (the transport bounds its size).
    /// </summary>
    public static class XmlRpcCodec
    {
        /// <summary>The deepest nesting of values (structs and arrays) read or written.</summary>
        public const int MaxDepth = 64;
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);
        private static readonly string[] DateFormats =
        {
            "yyyyMMdd'T'HH':'mm':'ss", "yyyyMMdd'T'HH':'mm':'ss'Z'", "yyyy'-'MM'-'dd'T'HH':'mm':'ss", "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'",
            "yyyyMMdd'T'HH':'mm':'ss.FFFFFFF", "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF", "yyyyMMdd'T'HHmmss",
        };

        // ---- writing ----

        public static byte[] MethodCall(string method, IReadOnlyList<object?> arguments, XmlRpcEncoding encoding)
        {
            if (string.IsNullOrEmpty(method))
                throw new InvalidNetworkRequestException("An XML-RPC call needs a method name.", null);
            using var buffer = new MemoryStream();
            using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = Utf8, Indent = false, CheckCharacters = true }))
            {
                writer.WriteStartDocument();
                writer.WriteStartElement("methodCall");
                writer.WriteElementString("methodName", method);
                writer.WriteStartElement("params");
                foreach (var argument in arguments)
                {
                    writer.WriteStartElement("param");
                    WriteValue(writer, argument, encoding, 0);
                    writer.WriteEndElement();
                }
                writer.WriteEndElement();
                writer.WriteEndElement();
                writer.WriteEndDocument();
            }
            return buffer.ToArray();
        }

        /// <summary>A methodResponse: the value, or a fault (a struct of faultCode and faultString). Used by tests and fakes.</summary>
        public static byte[] MethodResponse(object? value, XmlRpcEncoding encoding, bool fault = false)
        {
            using var buffer = new MemoryStream();
            using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = Utf8 }))
            {
                writer.WriteStartElement("methodResponse");
                if (fault)
                {
                    writer.WriteStartElement("fault");
                    WriteValue(writer, value, encoding, 0);
                }
                else
                {
                    writer.WriteStartElement("params");
                    writer.WriteStartElement("param");
                    WriteValue(writer, value, encoding, 0);
                    writer.WriteEndElement();
                }
                writer.WriteEndElement();
                writer.WriteEndElement();
            }
            return buffer.ToArray();
        }

        private static void WriteValue(XmlWriter writer, object? value, XmlRpcEncoding encoding, int depth)
        {
            if (depth > MaxDepth)
                throw new InvalidNetworkRequestException($"The value is nested more than {MaxDepth} levels deep (a structure that contains itself?).", null);
            writer.WriteStartElement("value");
            switch (value)
            {
                case null:
                    if (!encoding.AllowNil)
                        throw new InvalidNetworkRequestException(
                            "A null cannot be sent in XML-RPC without the <nil/> extension; allow it with -AllowNil if the server accepts it.", null);
                    writer.WriteElementString("nil", string.Empty);
                    break;
                case string text:
                    writer.WriteElementString("string", text);
                    break;
                case char character:
                    writer.WriteElementString("string", character.ToString());
                    break;
                case bool flag:
                    writer.WriteElementString("boolean", flag ? "1" : "0");
                    break;
                case byte _: case sbyte _: case short _: case ushort _: case int _:
                    writer.WriteElementString("int", Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                    break;
                case uint _: case long _: case ulong _:
                    WriteInteger(writer, value, encoding);
                    break;
                case float _: case double _: case decimal _:
                    var real = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsNaN(real) || double.IsInfinity(real))
                        throw new InvalidNetworkRequestException($"{real} cannot be sent: XML-RPC doubles are finite.", null);
                    writer.WriteElementString("double", real.ToString("R", CultureInfo.InvariantCulture));
                    break;
                case DateTime time:
                    writer.WriteElementString("dateTime.iso8601", time.ToString("yyyyMMdd'T'HH':'mm':'ss", CultureInfo.InvariantCulture));
                    break;
                case DateTimeOffset offset:
                    writer.WriteElementString("dateTime.iso8601", offset.DateTime.ToString("yyyyMMdd'T'HH':'mm':'ss", CultureInfo.InvariantCulture));
                    break;
                case byte[] bytes:
                    writer.WriteElementString("base64", Convert.ToBase64String(bytes));
                    break;
                case IDictionary dictionary:
                    writer.WriteStartElement("struct");
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        writer.WriteStartElement("member");
                        writer.WriteElementString("name", Convert.ToString(entry.Key, CultureInfo.InvariantCulture));
                        WriteValue(writer, entry.Value, encoding, depth + 1);
                        writer.WriteEndElement();
                    }
                    writer.WriteEndElement();
                    break;
                case IEnumerable items:
                    writer.WriteStartElement("array");
                    writer.WriteStartElement("data");
                    foreach (var item in items)
                        WriteValue(writer, item, encoding, depth + 1);
                    writer.WriteEndElement();
                    writer.WriteEndElement();
                    break;
                default:
                    throw new InvalidNetworkRequestException(
                        $"A {value.GetType().FullName} cannot be sent in XML-RPC: give a number, string, boolean, date, byte[], dictionary or list.", null);
            }
            writer.WriteEndElement();
        }

        private static void WriteInteger(XmlWriter writer, object value, XmlRpcEncoding encoding)
        {
            if (value is ulong big && big > long.MaxValue)
                throw new InvalidNetworkRequestException($"{big} is beyond the 64-bit signed range of XML-RPC's <i8>.", null);
            var number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            if (number >= int.MinValue && number <= int.MaxValue)
            {
                writer.WriteElementString("int", number.ToString(CultureInfo.InvariantCulture));
                return;
            }
            if (!encoding.AllowI8)
                throw new InvalidNetworkRequestException(
                    $"{number} does not fit XML-RPC's 32-bit <int>; send it as the <i8> extension with -AllowI8 if the server accepts it.", null);
            writer.WriteElementString("i8", number.ToString(CultureInfo.InvariantCulture));
        }

        // ---- reading ----

        /// <summary>A reader of untrusted XML: no DTD, no external resolution, no more characters than bytes given.</summary>
        internal static XmlReader NewReader(byte[] body) =>
            XmlReader.Create(new MemoryStream(body, writable: false), new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersFromEntities = 1024,
                MaxCharactersInDocument = Math.Max(1024, body.LongLength),
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
                IgnoreWhitespace = false,
                CloseInput = true,
            });

        /// <summary>
        /// Reads a methodResponse: its value, or the fault as a RemoteErrorException (faultCode as ReplyCode). Anything
        /// else (not XML, a DTD, too deep, not a methodResponse) is a ProtocolViolationException.
        /// </summary>
        public static object? ReadResponse(byte[] body, string target)
        {
            object? fault;
            try
            {
                using var reader = NewReader(body);
                reader.MoveToContent();
                Expect(reader, "methodResponse");
                reader.ReadStartElement();
                SkipSpace(reader);
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "fault")
                {
                    reader.ReadStartElement();
                    SkipSpace(reader);
                    fault = ReadValue(reader, 0);
                }
                else
                {
                    Expect(reader, "params");
                    reader.ReadStartElement();
                    SkipSpace(reader);
                    Expect(reader, "param");
                    reader.ReadStartElement();
                    SkipSpace(reader);
                    return ReadValue(reader, 0);
                }
            }
            catch (Exception e) when (e is XmlException || e is FormatError)
            {
                throw new ProtocolViolationException($"The reply from {target} is not a valid XML-RPC response: {Why(e)}", target);
            }
            throw Fault(fault, target);
        }

        /// <summary>
        /// Reads a methodCall (what a server receives): the method's name and its parameters, read as ReadResponse reads
        /// values and with the same bounds. Anything else is the RpcFaultException a server answers with: -32700 (not
        /// well-formed XML, or a DTD) or -32600 (well-formed, but not a methodCall), the codes of the XML-RPC fault-code
        /// interoperability spec and of JSON-RPC.
        /// </summary>
        public static (string Method, object?[] Parameters) ReadCall(byte[] body, string source)
        {
            try
            {
                using var reader = NewReader(body);
                reader.MoveToContent();
                Expect(reader, "methodCall");
                reader.ReadStartElement();
                SkipSpace(reader);
                Expect(reader, "methodName");
                var method = reader.ReadElementContentAsString().Trim();
                if (method.Length == 0)
                    throw new FormatError("the <methodName> is empty");
                SkipSpace(reader);
                var parameters = new List<object?>();
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "params")
                {
                    if (reader.IsEmptyElement)
                        reader.Read();
                    else
                    {
                        reader.ReadStartElement();
                        SkipSpace(reader);
                        while (reader.NodeType == XmlNodeType.Element)
                        {
                            Expect(reader, "param");
                            reader.ReadStartElement();
                            SkipSpace(reader);
                            parameters.Add(ReadValue(reader, 0));
                            ExpectEnd(reader, "param");
                        }
                        ExpectEnd(reader, "params");
                    }
                }
                ExpectEnd(reader, "methodCall");
                while (reader.Read())
                {
                    if (reader.NodeType == XmlNodeType.Element || reader.NodeType == XmlNodeType.Text)
                        throw new FormatError("there is more after </methodCall>");
                }
                return (method, parameters.ToArray());
            }
            catch (XmlException e)
            {
                throw new RpcFaultException(RpcErrorCodes.ParseError, $"{source} is not well-formed XML: {Why(e)}");
            }
            catch (FormatError e)
            {
                throw new RpcFaultException(RpcErrorCodes.InvalidRequest, $"{source} is not a valid XML-RPC call: {e.Message}");
            }
        }

        /// <summary>What is wrong with a document, in words: a DTD is named as such, the rest as XmlReader says it.</summary>
        private static string Why(Exception e) =>
            e is XmlException && e.Message.IndexOf("DTD", StringComparison.OrdinalIgnoreCase) >= 0
                ? "it holds a DTD, which is refused (entity expansion could exhaust memory)"
                : e.Message;

        /// <summary>What the readers below throw: a detail that ReadResponse and ReadCall put in their own words.</summary>
        private sealed class FormatError : Exception
        {
            public FormatError(string detail)
                : base(detail)
            {
            }
        }

        /// <summary>A fault value as the error it is: faultCode as ReplyCode, faultString as the message.</summary>
        internal static RemoteErrorException Fault(object? value, string target)
        {
            if (!(value is Dictionary<string, object?> fault))
                throw new ProtocolViolationException($"{target} sent a fault that is not a struct.", target);
            fault.TryGetValue("faultCode", out var code);
            fault.TryGetValue("faultString", out var text);
            var codeText = Convert.ToString(code, CultureInfo.InvariantCulture);
            return new RemoteErrorException($"{target} answered with fault {codeText}: {text}", target, codeText);
        }

        private static void Expect(XmlReader reader, string name)
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != name)
                throw new FormatError($"<{name}> expected, found {Describe(reader)}");
        }

        /// <summary>Passes the end tag of name (after any space), or says what came instead.</summary>
        private static void ExpectEnd(XmlReader reader, string name)
        {
            SkipSpace(reader);
            if (reader.NodeType != XmlNodeType.EndElement || reader.LocalName != name)
                throw new FormatError($"</{name}> expected, found {Describe(reader)}");
            reader.Read();
            SkipSpace(reader);
        }

        private static string Describe(XmlReader reader) =>
            reader.NodeType == XmlNodeType.Element ? $"<{reader.LocalName}>"
            : reader.NodeType == XmlNodeType.EndElement ? $"</{reader.LocalName}>"
            : reader.NodeType == XmlNodeType.None ? "the end" : reader.NodeType.ToString();

        private static void SkipSpace(XmlReader reader)
        {
            while (reader.NodeType == XmlNodeType.Whitespace || reader.NodeType == XmlNodeType.SignificantWhitespace
                || reader.NodeType == XmlNodeType.Comment || reader.NodeType == XmlNodeType.ProcessingInstruction)
                reader.Read();
        }

        /// <summary>Reads one &lt;value&gt; element (the reader on it) and moves past its end.</summary>
        private static object? ReadValue(XmlReader reader, int depth)
        {
            if (depth > MaxDepth)
                throw new FormatError($"it nests values more than {MaxDepth} levels deep");
            Expect(reader, "value");
            if (reader.IsEmptyElement)
            {
                reader.Read();
                SkipSpace(reader);
                return string.Empty;
            }
            reader.Read();
            // A value without a type element is a string (its text, whitespace included).
            var text = new StringBuilder();
            while (reader.NodeType == XmlNodeType.Text || reader.NodeType == XmlNodeType.CDATA
                || reader.NodeType == XmlNodeType.Whitespace || reader.NodeType == XmlNodeType.SignificantWhitespace)
            {
                text.Append(reader.Value);
                reader.Read();
            }
            object? result;
            if (reader.NodeType == XmlNodeType.EndElement)
            {
                result = text.ToString();
            }
            else
            {
                Expect(reader, reader.LocalName);
                result = ReadTyped(reader, depth);
                SkipSpace(reader);
            }
            ExpectEnd(reader, "value");
            return result;
        }

        private static object? ReadTyped(XmlReader reader, int depth)
        {
            var type = reader.LocalName;
            switch (type)
            {
                case "struct":
                    return ReadStruct(reader, depth);
                case "array":
                    return ReadArray(reader, depth);
                case "nil":
                    if (reader.IsEmptyElement)
                        reader.Read();
                    else
                        reader.Skip();
                    return null;
            }
            var text = reader.IsEmptyElement ? string.Empty : null;
            if (text == null)
                text = reader.ReadElementContentAsString();
            else
                reader.Read();
            switch (type)
            {
                case "string":
                    return text;
                case "int":
                case "i4":
                case "i8":
                case "i2":
                case "i1":
                    if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                        throw Bad(type, text);
                    return number >= int.MinValue && number <= int.MaxValue && type != "i8" ? (object)(int)number : number;
                case "boolean":
                    switch (text.Trim())
                    {
                        case "1": case "true": return true;
                        case "0": case "false": return false;
                        default: throw Bad(type, text);
                    }
                case "double":
                    if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
                        throw Bad(type, text);
                    return real;
                case "dateTime.iso8601":
                    if (!DateTime.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
                        throw Bad(type, text);
                    return time;
                case "base64":
                    try
                    {
                        return Convert.FromBase64String(text.Trim());
                    }
                    catch (FormatException)
                    {
                        throw Bad(type, text);
                    }
                default:
                    throw new FormatError($"it has a value of unknown type <{type}>");
            }
        }

        private static FormatError Bad(string type, string text) =>
            new FormatError($"it has an invalid <{type}>: '{(text.Length > 60 ? text.Substring(0, 60) + "…" : text)}'");

        private static Dictionary<string, object?> ReadStruct(XmlReader reader, int depth)
        {
            var members = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return members;
            }
            reader.Read();
            SkipSpace(reader);
            while (reader.NodeType == XmlNodeType.Element)
            {
                Expect(reader, "member");
                reader.Read();
                SkipSpace(reader);
                Expect(reader, "name");
                var name = reader.ReadElementContentAsString();
                SkipSpace(reader);
                members[name] = ReadValue(reader, depth + 1);
                ExpectEnd(reader, "member");
            }
            if (reader.NodeType != XmlNodeType.EndElement || reader.LocalName != "struct")
                throw new FormatError($"</struct> expected, found {Describe(reader)}");
            reader.Read();
            return members;
        }

        private static object?[] ReadArray(XmlReader reader, int depth)
        {
            var items = new List<object?>();
            if (reader.IsEmptyElement)
            {
                reader.Read();
                return items.ToArray();
            }
            reader.Read();
            SkipSpace(reader);
            Expect(reader, "data");
            if (reader.IsEmptyElement)
                reader.Read();
            else
            {
                reader.Read();
                SkipSpace(reader);
                while (reader.NodeType == XmlNodeType.Element)
                    items.Add(ReadValue(reader, depth + 1));
                if (reader.NodeType != XmlNodeType.EndElement || reader.LocalName != "data")
                    throw new FormatError($"</data> expected, found {Describe(reader)}");
                reader.Read();
            }
            SkipSpace(reader);
            if (reader.NodeType != XmlNodeType.EndElement || reader.LocalName != "array")
                throw new FormatError($"</array> expected, found {Describe(reader)}");
            reader.Read();
            return items.ToArray();
        }
    }
}
