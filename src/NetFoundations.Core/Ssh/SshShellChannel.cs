using System;
using System.Reflection;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Expect;
using Renci.SshNet;

namespace NetFoundations.Core.Ssh
{
    /// <summary>An interactive shell on a pseudo-terminal (SSH.NET's ShellStream) as the text channel of an ExpectSession.</summary>
    internal sealed class SshShellChannel : IExpectChannel
    {
        private static readonly FieldInfo? ChannelField =
            typeof(ShellStream).GetField("_channel", BindingFlags.Instance | BindingFlags.NonPublic);
        private readonly ShellStream stream;
        private readonly string target;
        private readonly Transcript transcript;
        private readonly byte[] readBuffer = new byte[8192];
        private readonly Decoder decoder = Encoding.UTF8.GetDecoder();

        public SshShellChannel(ShellStream stream, string computerName, int port, Transcript transcript)
        {
            this.stream = stream;
            ComputerName = computerName;
            Port = port;
            target = Endpoints.Format(computerName, port);
            this.transcript = transcript;
        }

        public string ComputerName { get; }
        public int Port { get; }
        /// <summary>What the Enter key sends; the terminal turns it into the end of a line.</summary>
        public string NewLine => "\r";

        public async Task SendAsync(string text, bool secret, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (secret)
                transcript.SentSecret(bytes, 0, bytes.Length, "(secret not shown)");
            else
                transcript.Sent(bytes, 0, bytes.Length);
            try
            {
                await stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
                stream.Flush();
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                throw SshErrors.Translate(e, target);
            }
        }

        /// <summary>ShellStream's Read blocks until data comes and gives 0 once the channel has closed and its data is read.</summary>
        public async Task<ReceivedText?> ReceiveAsync()
        {
            int count;
            try
            {
                count = await Task.Run(() => stream.Read(readBuffer, 0, readBuffer.Length)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                throw SshErrors.Translate(e, target);
            }
            if (count == 0)
                return null;
            transcript.Received(readBuffer, 0, count);
            var chars = new char[decoder.GetCharCount(readBuffer, 0, count)];
            decoder.GetChars(readBuffer, 0, count, chars, 0);
            return new ReceivedText(new string(chars), count);
        }

        /// <summary>
        /// Closes the channel before the stream. ShellStream.Dispose holds the stream's lock while it closes the
        /// channel, and the channel, closed by the server at the same moment, holds its own lock while it disposes
        /// the stream: the two threads then wait for each other for ever (SSH.NET 2026.0.0). Closing the channel
        /// first, without the stream's lock, takes the locks in the channel's order on both paths.
        /// </summary>
        public void Dispose()
        {
            try
            {
                (ChannelField?.GetValue(stream) as IDisposable)?.Dispose();
            }
            catch (Exception e) when (e is ObjectDisposedException || e is Renci.SshNet.Common.SshException || e is InvalidOperationException)
            {
            }
            stream.Dispose();
        }
    }
}
