using System;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core;
using NetFoundations.Core.Rpc;

namespace NetFoundations.PowerShell.Rpc
{
    /// <summary>Lists an XML-RPC server's methods with their signatures and help (system.listMethods, methodSignature, methodHelp).</summary>
    [Cmdlet(VerbsCommon.Get, "XmlRpcMethod", HelpUri = HelpLinks.Base + "Get-XmlRpcMethod.md")]
    [OutputType(typeof(XmlRpcMethod))]
    public sealed class GetXmlRpcMethodCommand : RpcCmdlet
    {
        /// <summary>Only the methods whose names match one of these wildcards (case-sensitive, as XML-RPC names are).</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Name { get; set; } = { "*" };

        protected override void ProcessRecord()
        {
            var rpc = new XmlRpcClient(Transport(), new XmlRpcEncoding(), NewTranscript());
            var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.None)).ToArray();
            Run(async cancel =>
            {
                foreach (var method in await rpc.IntrospectAsync(n => patterns.Any(p => p.IsMatch(n)), cancel).ConfigureAwait(false))
                    PostObject(method);
            }, Deadline, Target);
        }
    }
}
