using System.Collections.Generic;
using System.Text;
using NetFoundations.Core;

namespace NetFoundations.Core.Tests
{
    public class TranscriptTests
    {
        [Fact]
        public void Entries_keep_order_direction_and_byte_count()
        {
            var transcript = new Transcript();
            var seen = new List<TranscriptEntry>();
            transcript.EntryAdded += seen.Add;
            var hello = Encoding.ASCII.GetBytes("EHLO me\r\n");
            transcript.Sent(hello, 0, hello.Length);
            transcript.Received(hello, 0, 4, secure: true);
            transcript.Note("connected");

            Assert.Equal(3, transcript.Entries.Count);
            Assert.Equal(seen, transcript.Entries);
            Assert.Equal("->", transcript.Entries[0].Marker);
            Assert.Equal(9, transcript.Entries[0].ByteCount);
            Assert.Equal("EHLO me\\r\\n", transcript.Entries[0].Text);
            Assert.Equal("<~", transcript.Entries[1].Marker);
            Assert.Equal("==", transcript.Entries[2].Marker);
        }

        [Fact]
        public void Secrets_are_redacted_unless_revealed()
        {
            var secret = Encoding.ASCII.GetBytes("AUTH PLAIN c2VjcmV0\r\n");
            var hidden = new Transcript();
            hidden.SentSecret(secret, 0, secret.Length, "AUTH PLAIN ********");
            Assert.Equal("AUTH PLAIN ********", hidden.Entries[0].Text);
            Assert.Equal(secret.Length, hidden.Entries[0].ByteCount);

            var shown = new Transcript(revealSecrets: true);
            shown.SentSecret(secret, 0, secret.Length, "AUTH PLAIN ********");
            Assert.Contains("c2VjcmV0", shown.Entries[0].Text);
        }

        [Fact]
        public void Binary_and_long_data_are_escaped_and_cut()
        {
            Assert.Equal("a\\x00\\x1Bb", Transcript.Describe(new byte[] { 0x61, 0, 0x1b, 0x62 }, 0, 4));
            var big = new byte[Transcript.MaxTextPerEntry + 10];
            for (var i = 0; i < big.Length; i++) big[i] = (byte)'x';
            Assert.EndsWith("... (10 more bytes)", Transcript.Describe(big, 0, big.Length));
        }
    }
}
