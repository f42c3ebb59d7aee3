using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Expect
{
    /// <summary>
    /// Runs send/expect steps over a text channel, like Tcl's expect: text received and not yet matched is kept
    /// for the next Expect step. Owns the channel (Dispose closes it).
    /// </summary>
    public sealed class ExpectSession : IDisposable
    {
        /// <summary>
        /// The most bytes received while no pattern matches, whether they make text or not (NULs, Telnet commands):
        /// a peer that talks on without matching fails instead of filling memory.
        /// </summary>
        public const int MaxUnmatchedBytes = 1 << 20;
        private const int TailChars = 200;
        private static readonly Regex TerminalEscape = new Regex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)|[()][0-9A-Za-z]|[@-Z\\-_])");
        private readonly IExpectChannel channel;
        private readonly Transcript transcript;
        private readonly StringBuilder unmatched = new StringBuilder();
        private readonly List<ExpectStep> sentSinceExpect = new List<ExpectStep>();
        private readonly List<string> secrets = new List<string>();
        private Task<ReceivedText?>? pendingReceive;
        /// <summary>The bytes behind the text in unmatched, and those that made no text, since the last match.</summary>
        private long unmatchedBytes;

        public ExpectSession(IExpectChannel channel, Transcript transcript)
        {
            this.channel = channel ?? throw new ArgumentNullException(nameof(channel));
            this.transcript = transcript ?? throw new ArgumentNullException(nameof(transcript));
        }

        public string Target => Endpoints.Format(channel.ComputerName, channel.Port);

        /// <summary>
        /// The longest the steps can take: each step's own timeout or defaultTimeout, and for an Expect step one match
        /// timeout more, because a match under way is not interrupted. A cmdlet's overall deadline is built from it.
        /// </summary>
        public static TimeSpan Deadline(IEnumerable<ExpectStep> steps, TimeSpan defaultTimeout)
        {
            var total = TimeSpan.Zero;
            foreach (var step in steps)
                total += step.Kind == ExpectStepKind.Send ? defaultTimeout : (step.Timeout ?? defaultTimeout) + ExpectStep.MatchTimeout;
            return total;
        }

        /// <summary>
        /// Runs the steps in order; onResult sees each Expect step's result as it comes. A Send step and an Expect
        /// step without its own timeout are bounded by defaultTimeout.
        /// </summary>
        public async Task<IReadOnlyList<ExpectResult>> RunAsync(IEnumerable<ExpectStep> steps, TimeSpan defaultTimeout, Action<ExpectResult>? onResult, CancellationToken cancellationToken)
        {
            var results = new List<ExpectResult>();
            foreach (var step in steps)
            {
                if (step.Kind == ExpectStepKind.Send)
                {
                    await SendAsync(step, defaultTimeout, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var result = await ExpectAsync(step.Pattern!, step.Timeout ?? defaultTimeout, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                onResult?.Invoke(result);
            }
            return results;
        }

        private async Task SendAsync(ExpectStep step, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            if (step.IsSecret && step.TextToSend.Length > 0)
            {
                // The peer may echo it (a terminal that does not hide a password): mask it in what comes back too.
                transcript.MaskEchoesOf(step.TextToSend);
                if (!secrets.Contains(step.TextToSend))
                    secrets.Add(step.TextToSend);
            }
            try
            {
                var sending = channel.SendAsync(step.TextToSend + (step.NewLine ? channel.NewLine : string.Empty), step.IsSecret, limit.Token);
                await sending.WithCancellation(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                transcript.ClientError($"timeout: sending took longer than {timeout.TotalSeconds:0.###} s");
                throw new NetworkTimeoutException($"{Target} did not take the text sent within {timeout.TotalSeconds:0.###} s.", Target, e);
            }
            sentSinceExpect.Add(step);
        }

        /// <summary>
        /// Waits for text matching pattern. Every pass of the loop looks at the token and the deadline, so a peer whose
        /// data never stops coming cannot keep it going; every byte received counts toward MaxUnmatchedBytes.
        /// </summary>
        private async Task<ExpectResult> ExpectAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var textAdded = true;
            while (true)
            {
                if (textAdded)
                {
                    var text = unmatched.ToString();
                    Match match;
                    try
                    {
                        match = pattern.Match(text);
                    }
                    catch (RegexMatchTimeoutException e)
                    {
                        throw new InvalidNetworkRequestException(
                            $"Matching '{pattern}' against the {text.Length} characters received took longer than {e.MatchTimeout.TotalSeconds:0.###} s: the pattern backtracks too much.", Target, e);
                    }
                    if (match.Success)
                        return Consume(pattern, match, text, watch.Elapsed);
                }
                ReceivedText? received;
                try
                {
                    if (watch.Elapsed >= timeout)
                        limit.Cancel();
                    pendingReceive ??= channel.ReceiveAsync();
                    received = await pendingReceive.WithCancellation(limit.Token).ConfigureAwait(false);
                    pendingReceive = null;
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    transcript.ClientError($"timeout: no text matching '{pattern}' within {timeout.TotalSeconds:0.###} s");
                    throw new NetworkTimeoutException(
                        $"{Target} sent no text matching '{pattern}' within {timeout.TotalSeconds:0.###} s. The last text received: {Tail()}", Target, e);
                }
                if (received == null)
                {
                    transcript.Note("the peer closed the connection");
                    throw new ConnectionLostException(
                        $"{Target} closed the connection while we waited for text matching '{pattern}'. The last text received: {Tail()}", Target);
                }
                unmatched.Append(received.Text);
                textAdded = received.Text.Length > 0;
                unmatchedBytes += received.ByteCount;
                if (unmatchedBytes > MaxUnmatchedBytes)
                {
                    transcript.ClientError($"more than {MaxUnmatchedBytes} bytes without a match: giving up");
                    throw new ProtocolViolationException(
                        $"{Target} sent more than {MaxUnmatchedBytes} bytes without text matching '{pattern}'. The last text received: {Tail()}", Target);
                }
            }
        }

        private ExpectResult Consume(Regex pattern, Match match, string text, TimeSpan duration)
        {
            unmatched.Remove(0, match.Index + match.Length);
            unmatchedBytes = Encoding.UTF8.GetByteCount(unmatched.ToString());
            var before = MaskSecrets(text.Substring(0, match.Index));
            var groups = new Dictionary<string, string>();
            foreach (var name in pattern.GetGroupNames().Where(n => n != "0"))
                if (match.Groups[name].Success)
                    groups[name] = MaskSecrets(match.Groups[name].Value);
            var command = string.Join("\n", sentSinceExpect.Select(s => s.IsSecret ? ExpectStep.SecretPlaceholder : s.Text));
            var echoes = sentSinceExpect.Where(s => !s.IsSecret && s.NewLine).Select(s => s.Text!.Trim()).ToList();
            sentSinceExpect.Clear();
            transcript.Note($"matched '{pattern}' after {duration.TotalSeconds:0.###} s");
            return new ExpectResult(channel.ComputerName, channel.Port, command, pattern.ToString(), ExtractOutput(before, echoes), before,
                MaskSecrets(match.Value), groups, duration);
        }

        /// <summary>The complete lines of text without terminal escapes and CR, and without the leading lines that echo what was sent.</summary>
        internal static string ExtractOutput(string text, IReadOnlyList<string> echoes)
        {
            var lines = TerminalEscape.Replace(text, string.Empty).Replace("\r\n", "\n").Replace("\r", string.Empty).Split('\n').ToList();
            // After the last line break comes the start of the line the match is on: usually the front of a prompt.
            lines.RemoveAt(lines.Count - 1);
            foreach (var echo in echoes)
            {
                if (lines.Count == 0 || echo.Length == 0 || !lines[0].TrimEnd().EndsWith(echo, StringComparison.Ordinal))
                    break;
                lines.RemoveAt(0);
            }
            return string.Join("\n", lines);
        }

        private string Tail()
        {
            if (unmatched.Length == 0)
                return "(nothing)";
            var start = Math.Max(0, unmatched.Length - TailChars);
            var bytes = Encoding.UTF8.GetBytes(MaskSecrets(unmatched.ToString(start, unmatched.Length - start)));
            return (start > 0 ? "…" : string.Empty) + Transcript.Describe(bytes, 0, bytes.Length);
        }

        /// <summary>The text with each secret sent in this session, echoed back by the peer, shown as (secret).</summary>
        private string MaskSecrets(string text)
        {
            foreach (var secret in secrets)
                text = text.Replace(secret, ExpectStep.SecretPlaceholder);
            return text;
        }

        /// <summary>Closes the channel, which ends a receive still outstanding; its failure then is expected and observed here.</summary>
        public void Dispose()
        {
            channel.Dispose();
            pendingReceive?.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }
}
