using System;

namespace NetFoundations.Core.Rpc
{
    /// <summary>
    /// What an RPC server's method throws to answer with a fault of its own: an XML-RPC fault (faultCode, faultString) or
    /// a JSON-RPC error (code, message, data). A server method written in PowerShell throws it by name:
    /// <c>throw [NetFoundations.Core.Rpc.RpcFaultException]::new(42, 'no such thing')</c>. Any other exception of a
    /// method is answered as RpcErrorCodes.InternalError, with its type and message.
    /// </summary>
    public sealed class RpcFaultException : Exception
    {
        public RpcFaultException(int code, string message, object? details = null)
            : base(message)
        {
            Code = code;
            Details = details;
        }

        public int Code { get; }

        /// <summary>JSON-RPC's error data (any value it can carry); XML-RPC faults have no place for it.</summary>
        public object? Details { get; }
    }

    /// <summary>
    /// The error codes of JSON-RPC 2.0, which the XML-RPC fault-code interoperability spec shares; a server answers with
    /// them in both protocols.
    /// </summary>
    public static class RpcErrorCodes
    {
        /// <summary>The request is not well-formed XML or JSON (or holds a DTD).</summary>
        public const int ParseError = -32700;
        /// <summary>Well-formed, but not a call: no method name, params of the wrong kind, an empty batch.</summary>
        public const int InvalidRequest = -32600;
        public const int MethodNotFound = -32601;
        /// <summary>Too many arguments, a name the method does not take, a mandatory one missing, or one of the wrong type.</summary>
        public const int InvalidParams = -32602;
        /// <summary>A method that threw (as jsonrpclib answers it; the data says what), or a result that cannot be sent.</summary>
        public const int InternalError = -32603;
    }
}
