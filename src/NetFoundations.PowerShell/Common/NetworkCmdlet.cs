using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core;

namespace NetFoundations.PowerShell
{
    /// <summary>
    /// Base of every protocol cmdlet, whose work is a conversation with a peer: -TranscriptPath and -Verbose show it.
    /// Every cmdlet that offers -TranscriptPath records into it (ModuleContract checks it).
    /// </summary>
    public abstract class NetworkCmdlet : PipelineCmdlet
    {
        private TranscriptFile? transcriptFile;

        /// <summary>Appends the conversation on the wire to this file.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TranscriptPath { get; set; }

        /// <summary>
        /// Makes a transcript whose entries go to -TranscriptPath and, under -Verbose, to the verbose
        /// stream, through post (Post when none is given).
        /// </summary>
        protected Transcript NewTranscript(bool revealSecrets = false, Action<Action>? post = null)
        {
            var transcript = new Transcript(revealSecrets);
            if (TranscriptPath != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(TranscriptPath);
                transcriptFile ??= LoadFile(() => new TranscriptFile(path), path);
                transcript.EntryAdded += transcriptFile.Write;
            }
            if (VerboseWanted)
            {
                // The live view shows as many entries as a transcript keeps at its start, then says where the rest went.
                var shown = 0;
                transcript.EntryAdded += entry =>
                {
                    var count = Interlocked.Increment(ref shown);
                    if (count <= Transcript.MaxKeptEntries)
                        (post ?? Post)(() => WriteVerbose(entry.ToString()));
                    else if (count == Transcript.MaxKeptEntries + 1)
                        (post ?? Post)(() => WriteVerbose($"== more than {Transcript.MaxKeptEntries} entries: the rest is not shown here" +
                            (TranscriptPath != null ? "; -TranscriptPath keeps the end." : ".")));
                };
            }
            return transcript;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                transcriptFile?.Dispose();
            base.Dispose(disposing);
        }

        /// <summary>
        /// The -TranscriptPath file, bounded as a Transcript is: the first entries are written as they come, the last ones
        /// are kept and written when the command ends, after a line that says how many were dropped between them.
        /// </summary>
        private sealed class TranscriptFile : IDisposable
        {
            private readonly StreamWriter writer;
            private readonly Queue<string> tail = new Queue<string>();
            private int written;
            private long dropped;

            public TranscriptFile(string path)
            {
                // As Out-File: the folder must exist, so a mistyped path is an error rather than a new folder.
                if (Directory.Exists(path))
                    throw new ArgumentException($"-TranscriptPath {path} is a folder: give the path of a file.");
                writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            }

            public void Write(TranscriptEntry entry)
            {
                lock (writer)
                {
                    if (written < Transcript.MaxKeptEntries)
                    {
                        writer.WriteLine(entry.ToString());
                        written++;
                        return;
                    }
                    tail.Enqueue(entry.ToString());
                    if (tail.Count > Transcript.MaxKeptEntries)
                    {
                        tail.Dequeue();
                        dropped++;
                    }
                }
            }

            public void Dispose()
            {
                lock (writer)
                {
                    if (dropped > 0)
                        writer.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                            "== {0:N0} entries dropped: the transcript keeps its first and last {1:N0}", dropped, Transcript.MaxKeptEntries));
                    foreach (var line in tail)
                        writer.WriteLine(line);
                    tail.Clear();
                    writer.Dispose();
                }
            }
        }
    }
}
