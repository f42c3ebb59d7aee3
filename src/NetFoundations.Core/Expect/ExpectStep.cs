using System;
using System.Net;
using System.Text.RegularExpressions;

namespace NetFoundations.Core.Expect
{
    public enum ExpectStepKind
    {
        Send,
        Expect,
    }

    /// <summary>One step of an expect script: send text (a line by default), or wait for text matching a regular expression.</summary>
    public sealed class ExpectStep
    {
        public const string SecretPlaceholder = "(secret)";
        /// <summary>Bounds one match of a pattern against the text received (a pattern that backtracks without end on what a peer sends).</summary>
        public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(5);
        private readonly string? secret;

        private ExpectStep(ExpectStepKind kind, string? text, string? secret, bool newLine, Regex? pattern, TimeSpan? timeout)
        {
            Kind = kind;
            Text = text;
            this.secret = secret;
            NewLine = newLine;
            Pattern = pattern;
            Timeout = timeout;
        }

        public ExpectStepKind Kind { get; }
        /// <summary>The text a Send step sends; null for a secret.</summary>
        public string? Text { get; }
        public bool IsSecret => secret != null;
        /// <summary>Whether a Send step ends the text with the channel's line end.</summary>
        public bool NewLine { get; }
        public Regex? Pattern { get; }
        /// <summary>How long an Expect step waits; null for the script's default.</summary>
        public TimeSpan? Timeout { get; }

        internal string TextToSend => secret ?? Text ?? string.Empty;

        public static ExpectStep Send(string text, bool newLine = true) =>
            new ExpectStep(ExpectStepKind.Send, text ?? throw new ArgumentNullException(nameof(text)), null, newLine, null, null);

        /// <summary>Sends the credential's password; the transcript and the results show it as (secret).</summary>
        public static ExpectStep SendSecret(NetworkCredential credential, bool newLine = true) =>
            new ExpectStep(ExpectStepKind.Send, null, (credential ?? throw new ArgumentNullException(nameof(credential))).Password ?? string.Empty, newLine, null, null);

        /// <summary>Waits for text matching pattern (a .NET regular expression, matched against all text not yet consumed).</summary>
        public static ExpectStep Expect(string pattern, TimeSpan? timeout = null)
        {
            if (string.IsNullOrEmpty(pattern))
                throw new ArgumentException("An Expect step needs a pattern.", nameof(pattern));
            if (timeout.HasValue && timeout.Value <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An Expect step's timeout is more than zero.");
            Regex regex;
            try
            {
                regex = new Regex(pattern, RegexOptions.None, MatchTimeout);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"'{pattern}' is not a valid regular expression: {e.Message}", nameof(pattern), e);
            }
            return new ExpectStep(ExpectStepKind.Expect, null, null, false, regex, timeout);
        }

        public override string ToString() => Kind == ExpectStepKind.Expect
            ? $"Expect '{Pattern}'{(Timeout.HasValue ? $" within {Timeout.Value.TotalSeconds:0.###} s" : string.Empty)}"
            : $"Send {(IsSecret ? SecretPlaceholder : "'" + Text + "'")}{(NewLine ? string.Empty : " (no new line)")}";
    }
}
