using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Rpc
{
    /// <summary>One parameter of a server's method, as introspection shows it and as named arguments are matched to it.</summary>
    public sealed class RpcParameter
    {
        public RpcParameter(string name, string type = RpcTypeNames.Any, bool mandatory = false)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("A parameter needs a name.", nameof(name));
            Name = name;
            Type = string.IsNullOrEmpty(type) ? RpcTypeNames.Any : type;
            Mandatory = mandatory;
        }

        public string Name { get; }
        /// <summary>An XML-RPC type name (RpcTypeNames), for system.methodSignature.</summary>
        public string Type { get; }
        public bool Mandatory { get; }
    }

    /// <summary>
    /// The arguments of one call: by position (XML-RPC, JSON-RPC's params array) or by name (JSON-RPC's params object),
    /// already checked against the method's parameters.
    /// </summary>
    public sealed class RpcArguments
    {
        internal RpcArguments(IReadOnlyList<object?> positional, IReadOnlyList<KeyValuePair<string, object?>>? named)
        {
            Positional = positional;
            Named = named;
        }

        /// <summary>Empty when the arguments came by name.</summary>
        public IReadOnlyList<object?> Positional { get; }

        /// <summary>The arguments by name (spelled as the method's parameters are), or null when they came by position.</summary>
        public IReadOnlyList<KeyValuePair<string, object?>>? Named { get; }
    }

    /// <summary>
    /// A method an RPC server offers, whatever runs it (a compiled delegate, or a scriptblock or cmdlet given from the
    /// shell): its name, its parameters and help (for introspection and for checking a call's arguments) and the
    /// delegate that runs a call. Values in and out are the codecs' plain values (XmlRpcCodec, RpcJson).
    /// </summary>
    public sealed class RpcMethod
    {
        public RpcMethod(string name, IReadOnlyList<RpcParameter> parameters, Func<RpcArguments, CancellationToken, Task<object?>> invoke,
            string help = "", string returnType = RpcTypeNames.Any, bool takesMoreArguments = false)
        {
            if (string.IsNullOrEmpty(name))
                throw new InvalidNetworkRequestException("A method needs a name.", null);
            Name = name;
            Parameters = parameters ?? Array.Empty<RpcParameter>();
            var twice = Parameters.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (twice != null)
                throw new InvalidNetworkRequestException($"The method {name} has two parameters named {twice.Key}.", null);
            Invoke = invoke ?? throw new ArgumentNullException(nameof(invoke));
            Help = help ?? string.Empty;
            ReturnType = string.IsNullOrEmpty(returnType) ? RpcTypeNames.Any : returnType;
            TakesMoreArguments = takesMoreArguments;
        }

        public string Name { get; }
        public IReadOnlyList<RpcParameter> Parameters { get; }
        public Func<RpcArguments, CancellationToken, Task<object?>> Invoke { get; }
        public string Help { get; }
        public string ReturnType { get; }
        /// <summary>Arguments by position beyond Parameters are taken too (a scriptblock's $args, Python's *args).</summary>
        public bool TakesMoreArguments { get; }

        /// <summary>"int add(int a, int b)", as methodHelp starts when the method has no help of its own.</summary>
        public string Signature =>
            $"{ReturnType} {Name}({string.Join(", ", Parameters.Select(p => $"{p.Type} {p.Name}"))}{(TakesMoreArguments ? (Parameters.Count > 0 ? ", ..." : "...") : "")})";

        public override string ToString() => Name;
    }

    /// <summary>XML-RPC's type names, as system.methodSignature gives them, and the .NET types they stand for.</summary>
    public static class RpcTypeNames
    {
        /// <summary>Any value (an untyped parameter); not an XML-RPC type, the introspection spec's "undef" in spirit.</summary>
        public const string Any = "any";

        /// <summary>The XML-RPC name of a .NET type, or Any.</summary>
        public static string Of(Type? type)
        {
            if (type == null)
                return Any;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort))
                return "int";
            if (type == typeof(long) || type == typeof(uint) || type == typeof(ulong))
                return "i8";
            if (type == typeof(bool))
                return "boolean";
            if (type == typeof(string) || type == typeof(char) || type.IsEnum)
                return "string";
            if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
                return "double";
            if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
                return "dateTime.iso8601";
            if (type == typeof(byte[]))
                return "base64";
            if (typeof(System.Collections.IDictionary).IsAssignableFrom(type))
                return "struct";
            if (type.IsArray || (typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && type != typeof(string)))
                return "array";
            return Any;
        }
    }
}
