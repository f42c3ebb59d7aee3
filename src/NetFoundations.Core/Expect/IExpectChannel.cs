using System;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Expect
{
    /// <summary>
    /// A text conversation an ExpectSession drives: an SSH shell, a Telnet connection. The channel records
    /// what it sends and receives in its transcript (a secret send redacted) and reports failures in the
    /// project's error families.
    /// </summary>
    public interface IExpectChannel : IDisposable
    {
        string ComputerName { get; }
        int Port { get; }

        /// <summary>What ends a line sent to the peer (CR LF on Telnet, CR on a terminal).</summary>
        string NewLine { get; }

        /// <summary>Sends text as it is; a secret is not shown in the transcript. Cancellation must end the send.</summary>
        Task SendAsync(string text, bool secret, CancellationToken cancellationToken);

        /// <summary>
        /// Waits for the next bytes to arrive and gives their text ("" when only protocol traffic came); null when
        /// the peer closed. It takes no token: the session abandons a wait it no longer wants and resumes the same
        /// wait later, so no text is lost; Dispose ends it. At most one receive is outstanding at a time.
        /// </summary>
        Task<ReceivedText?> ReceiveAsync();
    }

    /// <summary>What one receive brought: its text, and how many bytes came on the wire for it (the size guards count these).</summary>
    public sealed class ReceivedText
    {
        public ReceivedText(string text, int byteCount)
        {
            Text = text;
            ByteCount = byteCount;
        }

        public string Text { get; }
        public int ByteCount { get; }
    }
}
