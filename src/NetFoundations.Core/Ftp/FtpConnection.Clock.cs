using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using FluentFTP;

namespace NetFoundations.Core.Ftp
{
    /// <summary>One reading of a server's clock: the time it gave a file it had just written, and when that happened here.</summary>
    public readonly struct FtpClockReading
    {
        public FtpClockReading(DateTime serverTime, TimeSpan resolution, DateTime sentUtc, DateTime doneUtc)
        {
            ServerTime = serverTime;
            Resolution = resolution;
            SentUtc = sentUtc;
            DoneUtc = doneUtc;
        }

        /// <summary>The file's modification time as MDTM gave it (UTC).</summary>
        public DateTime ServerTime { get; }
        /// <summary>The finest step MDTM's reply showed: a second without a fraction.</summary>
        public TimeSpan Resolution { get; }
        /// <summary>Local UTC time before STOR went out and after its 226 came back: the server wrote the file in between.</summary>
        public DateTime SentUtc { get; }
        public DateTime DoneUtc { get; }

        /// <summary>Server time minus local time, at the midpoint of the STOR round trip.</summary>
        public TimeSpan Skew => ServerTime - (SentUtc + TimeSpan.FromTicks((DoneUtc - SentUtc).Ticks / 2));

        /// <summary>How far off Skew may be: half the round trip (when within it the server wrote), plus MDTM's resolution.</summary>
        public TimeSpan Uncertainty => TimeSpan.FromTicks((DoneUtc - SentUtc).Ticks / 2) + Resolution;

        /// <summary>
        /// An MDTM reply's time ("213 20261207004512" or with a fraction, "213 20261207004512.345"), in UTC as RFC 3659
        /// says, with the resolution it shows; null when the reply holds no such time.
        /// </summary>
        public static (DateTime Time, TimeSpan Resolution)? ParseMdtm(string? reply)
        {
            var text = (reply ?? string.Empty).Trim();
            if (text.StartsWith("213", StringComparison.Ordinal))
                text = text.Substring(3).Trim();
            var dot = text.IndexOf('.');
            var whole = dot < 0 ? text : text.Substring(0, dot);
            var fraction = dot < 0 ? string.Empty : text.Substring(dot + 1);
            if (whole.Length != 14 || fraction.Length > 7 || !IsDigits(fraction)
                || !DateTime.TryParseExact(whole, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                return null;
            if (fraction.Length == 0)
                return (time, TimeSpan.FromSeconds(1));
            var ticks = long.Parse(fraction.PadRight(7, '0'), CultureInfo.InvariantCulture);
            return (time.AddTicks(ticks), TimeSpan.FromTicks((long)Math.Pow(10, 7 - fraction.Length)));
        }

        private static bool IsDigits(string text)
        {
            foreach (var c in text)
                if (c < '0' || c > '9')
                    return false;
            return true;
        }
    }

    public sealed partial class FtpConnection
    {
        /// <summary>
        /// Reads the server's clock the only way FTP shows it: writes a one-byte file of a unique name into folder, asks
        /// its time (MDTM) and deletes it. A refused upload or MDTM is the project's error for it (nothing is left
        /// behind that the server let us write: the file is deleted whatever MDTM answered).
        /// </summary>
        public Task<FtpClockReading> ReadClockAsync(string folder, Transcript transcript, CancellationToken cancellationToken) =>
            RunAsync(folder, transcript, cancellationToken, async token =>
            {
                var remote = Combine(Absolute(folder), $".netfoundations-clock-{Guid.NewGuid():N}.tmp");
                transcript.Note($"clock: writing {remote} to read its time");
                var sent = DateTime.UtcNow;
                var watch = Stopwatch.StartNew();
                var stream = await client.OpenWrite(remote, FtpDataType.Binary, false, token).ConfigureAwait(false);
                data = stream;
                await stream.WriteAsync(new byte[] { (byte)'\n' }, 0, 1, token).ConfigureAwait(false);
                // Closing FluentFTP's data stream reads the transfer's final reply (Dispose alone would not); a server
                // that holds it back is ended by the deadline, which shuts the sockets down.
                if (stream is FtpDataStream ftp)
                    ftp.Close();
                else
                    stream.Dispose();
                data = null;
                var stored = client.LastReply;
                if (!stored.Success)
                    throw FtpErrors.Refused(stored.Code, stored.Message, Target, remote);
                // The local end from the same monotonic clock, so that a step of the wall clock meanwhile cannot skew it.
                var done = sent + watch.Elapsed;
                try
                {
                    var reply = await ExpectAsync("MDTM " + remote, remote, token).ConfigureAwait(false);
                    var parsed = FtpClockReading.ParseMdtm(reply.Code + " " + reply.Message)
                        ?? throw new ProtocolViolationException($"{ComputerName} answered MDTM with '{reply.Code} {reply.Message}', which holds no time.", Target);
                    return new FtpClockReading(parsed.Time, parsed.Resolution, sent, done);
                }
                finally
                {
                    var deleted = await client.Execute("DELE " + remote, token).ConfigureAwait(false);
                    if (!deleted.Success)
                        transcript.ClientError($"{remote} could not be deleted: {deleted.Code} {deleted.Message}");
                }
            });
    }
}
