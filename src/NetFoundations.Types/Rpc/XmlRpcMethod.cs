using System.Collections.Generic;

namespace NetFoundations.Core.Rpc
{
    /// <summary>A method an XML-RPC server lists (system.listMethods), with its signatures and help.</summary>
    public sealed class XmlRpcMethod
    {
        public XmlRpcMethod(string uri, string name, IReadOnlyList<string> signatures, string help)
        {
            Uri = uri;
            Name = name;
            Signatures = signatures;
            Help = help;
        }

        /// <summary>The endpoint that listed it, so it pipes into Invoke-XmlRpc.</summary>
        public string Uri { get; }
        public string Name { get; }
        /// <summary>Each as "return type (parameter types)"; empty when the server does not say.</summary>
        public IReadOnlyList<string> Signatures { get; }
        public string Help { get; }

        public override string ToString() => Name;
    }
}
