namespace NetFoundations.Core.Tests
{
    public sealed class WildcardTests
    {
        [Theory]
        [InlineData("*.bin", "data.bin", true)]
        [InlineData("*.bin", "data.bin.txt", false)]
        [InlineData("*", "", true)]
        [InlineData("?", "", false)]
        [InlineData("a?c", "abc", true)]
        [InlineData("a?c", "ac", false)]
        [InlineData("a*c", "ac", true)]
        [InlineData("INBOX/*", "INBOX/Archive/2024", true)]
        [InlineData("report", "my report", false)]
        public void Star_and_question_mark_match_the_whole_text(string pattern, string text, bool expected)
        {
            Assert.Equal(expected, Wildcard.IsMatch(text, pattern, ignoreCase: false));
        }

        [Theory]
        [InlineData("a.b", "axb")]
        [InlineData("(x)+", "xx")]
        [InlineData("[ab]", "a")]
        [InlineData("a\\d", "a1")]
        [InlineData("^a$", "a")]
        public void Every_other_character_stands_for_itself(string pattern, string other)
        {
            Assert.True(Wildcard.IsMatch(pattern, pattern, ignoreCase: false));
            Assert.False(Wildcard.IsMatch(other, pattern, ignoreCase: false));
        }

        [Fact]
        public void Case_counts_only_when_the_caller_says_so()
        {
            Assert.True(Wildcard.IsMatch("Report.PDF", "*.pdf", ignoreCase: true));
            Assert.False(Wildcard.IsMatch("Report.PDF", "*.pdf", ignoreCase: false));
            Assert.Matches(Wildcard.ToRegex("WWW.*.TEST", ignoreCase: true), "www.example.test");
            Assert.DoesNotMatch(Wildcard.ToRegex("WWW.*.TEST", ignoreCase: false), "www.example.test");
        }

        [Fact]
        public void A_line_break_is_a_character_like_any_other()
        {
            Assert.True(Wildcard.IsMatch("a\nb", "a*b", ignoreCase: false));
            Assert.True(Wildcard.IsMatch("a\nb", "a?b", ignoreCase: false));
            Assert.False(Wildcard.IsMatch("ab\n", "ab", ignoreCase: false));
        }
    }
}
