using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>
    /// A server's answers from a scriptblock: it gets the request as $Request (text, or bytes with AsBytes) and the client
    /// as $Connection (also as its two arguments), and each object it outputs is one reply, framed as the request came.
    /// </summary>
    internal sealed class ScriptBlockHandler : TcpRequestHandler
    {
        private readonly ScriptBlockPool pool;
        private readonly Encoding encoding;
        private readonly bool asBytes;
        private readonly Action<ErrorRecord>? reportError;

        /// <param name="reportError">Where the scriptblock's non-terminating errors go (called from any thread), or null to drop them.</param>
        public ScriptBlockHandler(ScriptBlockPool pool, Encoding encoding, bool asBytes, Action<ErrorRecord>? reportError)
        {
            this.pool = pool;
            this.encoding = encoding;
            this.asBytes = asBytes;
            this.reportError = reportError;
        }

        public override async Task<IReadOnlyList<byte[]>> ReplyAsync(byte[] request, TcpServerPeer client, CancellationToken cancel)
        {
            var value = asBytes ? (object)request : encoding.GetString(request);
            var output = new PSDataCollection<PSObject>();
            var errors = await pool.InvokeAsync(
                new Dictionary<string, object?> { ["Request"] = value, ["Connection"] = client },
                null, output, cancel, new[] { value, client }).ConfigureAwait(false);
            if (reportError != null)
            {
                foreach (var error in errors)
                    reportError(error);
            }
            return Replies(output);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                pool.Dispose();
        }

        /// <summary>
        /// One reply per object output; bytes output one by one (PowerShell unrolls a returned byte[]) make one reply
        /// together; $null outputs nothing.
        /// </summary>
        private List<byte[]> Replies(PSDataCollection<PSObject> output)
        {
            var replies = new List<byte[]>();
            List<byte>? bytes = null;
            foreach (var item in output)
            {
                var value = item?.BaseObject;
                if (value is byte b)
                {
                    (bytes ??= new List<byte>()).Add(b);
                    continue;
                }
                if (bytes != null)
                {
                    replies.Add(bytes.ToArray());
                    bytes = null;
                }
                switch (value)
                {
                    case null:
                        break;
                    case byte[] array:
                        replies.Add(array);
                        break;
                    default:
                        replies.Add(encoding.GetBytes(LanguagePrimitives.ConvertTo<string>(value)));
                        break;
                }
            }
            if (bytes != null)
                replies.Add(bytes.ToArray());
            return replies;
        }
    }
}
