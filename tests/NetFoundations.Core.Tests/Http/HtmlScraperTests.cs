using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NetFoundations.Core.Http;

namespace NetFoundations.Core.Tests.Http
{
    /// <summary>Reading pages: selectors, records, tables laid out as browsers do, forms as browsers send them, and hostile pages.</summary>
    public sealed class HtmlScraperTests
    {
        private static HtmlScraper Page(string html, string? baseUri = null) =>
            HtmlScraper.Parse(html, baseUri == null ? null : new Uri(baseUri), CancellationToken.None);

        private static IReadOnlyList<KeyValuePair<string, string>> Properties(params (string Name, string Selector)[] pairs) =>
            pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Selector)).ToList();

        [Fact]
        public void TextIsWhatAReaderSeesWithoutScriptsOrStyles()
        {
            var element = Page("<p>  one\n <b>two</b><script>var x = 1;</script><style>p{}</style>three<br>four </p>").Select("p").Single();

            Assert.Equal("one twothree four", element.Text);
            Assert.Equal("p", element.TagName);
        }

        [Fact]
        public void LinksAreMadeAbsoluteAgainstThePageOrItsBaseElement()
        {
            var page = Page("<a href='/a'>1</a><a href='b?x=1'>2</a><a href='https://other.example/'>3</a>", "http://www.example.com/dir/page.html");
            Assert.Equal(new[] { "http://www.example.com/a", "http://www.example.com/dir/b?x=1", "https://other.example/" }, page.Select("a").Select(a => a.Link));

            var based = Page("<base href='http://cdn.example/x/'><a href='y'>1</a>", "http://www.example.com/");
            Assert.Equal("http://cdn.example/x/y", based.Select("a").Single().Link);
            Assert.Equal("y", Page("<a href='y'>1</a>").Select("a").Single().Link);
        }

        [Fact]
        public void RecordsTakeTextAttributesAndTheMatchOwnValues()
        {
            const string payments = "<ul><li class='to' data-id='7'><span class='amount'>$10</span> <a href='/p/7'>details</a></li>" +
                "<li class='from'><span class='amount'>$5</span></li><li class='to' data-id='9'></li></ul>";
            var records = Page(payments, "http://bank.example/").SelectProperties("li.to", Properties(
                ("Amount", ".amount"), ("Link", "a@href"), ("Id", "@data-id"), ("All", ""), ("Mail", "a[href^='mailto:x@y']")));

            Assert.Equal(2, records.Count);
            Assert.Equal(new[] { "$10", "http://bank.example/p/7", "7", "$10 details", null }, records[0].Select(p => p.Value));
            Assert.Equal(new string?[] { null, null, "9", "", null }, records[1].Select(p => p.Value));
        }

        [Fact]
        public void ABadSelectorIsInvalidInputNamingIt()
        {
            var error = Assert.Throws<InvalidNetworkRequestException>(() => HtmlScraper.CheckSelector("li["));
            Assert.Contains("li[", error.Message);
            HtmlScraper.CheckSelector("ul > li.to:nth-child(2n+1) a[href$='.pdf']");
        }

        [Fact]
        public void TablesSpreadSpansAndKeepRaggedRows()
        {
            var table = Page("<table><caption> Scores </caption><tr><th>Name</th><th>Score</th><th></th><th>Name</th></tr>" +
                "<tr><td rowspan=2>Ann</td><td colspan=2>1</td></tr><tr><td>2</td><td>x</td><td>y</td><td>z</td></tr>" +
                "<tr><td>Bo<table><tr><td>inner</td></tr></table></td></tr></table>").Tables("table").First();

            Assert.Equal("Scores", table.Caption);
            Assert.Equal(new[] { "Name", "Score", "Column3", "Name2", "Column5" }, table.Columns);
            Assert.Equal(new[] { "Ann", "1", "1", null, null }, table.Rows[0]);
            Assert.Equal(new[] { "Ann", "2", "x", "y", "z" }, table.Rows[1]);
            Assert.Equal("Bo inner", table.Rows[2][0]);
            Assert.Equal(3, table.Rows.Count);
        }

        [Fact]
        public void ATableWithoutHeaderCellsNamesItsColumnsByPosition()
        {
            var table = Page("<table><tr><td>a</td><td>b</td></tr></table>").Tables("table").Single();

            Assert.Equal(new[] { "Column1", "Column2" }, table.Columns);
            Assert.Single(table.Rows);
        }

        [Fact]
        public void AHostileColspanIsBounded()
        {
            var table = Page("<table><tr><td colspan=99999999>wide</td></tr></table>").Tables("table").Single();

            Assert.True(table.Columns.Count <= HtmlScraper.MaxColumns);
        }

        [Fact]
        public void FormsCarryWhatABrowserWouldSend()
        {
            var form = Page("<form id=login method=POST action='login'><input type=hidden name=csrf_token value=f00d>" +
                "<input name=username value=guest><input type=password name=password><input type=checkbox name=remember>" +
                "<input type=checkbox name=terms checked><input type=radio name=plan value=a><input type=radio name=plan value=b checked>" +
                "<select name=lang><option>en<option value=fr selected>French</select><select name=none></select>" +
                "<textarea name=note>hi</textarea><input name=off disabled value=1><button name=go value=1>Go</button></form>",
                "https://www.example.com/app/").Forms("form").Single();

            Assert.Equal("POST", form.Method);
            Assert.Equal("https://www.example.com/app/login", form.Action);
            Assert.Equal("login", form.Id);
            Assert.Equal("csrf_token, username, password, terms, plan, lang, note", form.FieldNames);
            var sent = form.GetSubmission((IEnumerable<KeyValuePair<string, string>>)new Dictionary<string, string> { ["username"] = "brandon", ["password"] = "abc123", ["extra"] = "1" });
            Assert.Equal(new[] { "csrf_token=f00d", "username=brandon", "password=abc123", "terms=on", "plan=b", "lang=fr", "note=hi", "extra=1" },
                sent.Select(p => $"{p.Key}={p.Value}"));
        }

        [Fact]
        public void AFormWithoutActionGoesToThePageByGet()
        {
            var form = Page("<form><input name=q></form>", "http://www.example.com/search?old=1").Forms("form").Single();

            Assert.Equal("GET", form.Method);
            Assert.Equal("http://www.example.com/search?old=1", form.Action);
        }

        [Fact]
        public void DeepNestingEndsAtTheDeadlineInsteadOfParsingForMinutes()
        {
            var deep = string.Concat(Enumerable.Repeat("<div>", 300_000)) + "x";
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var started = DateTime.UtcNow;

            Assert.ThrowsAny<OperationCanceledException>(() => HtmlScraper.Parse(deep, null, cancel.Token));
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        }

        [Fact]
        public void MarkupIsMadeOnlyWhenAskedFor()
        {
            var elements = Page(string.Concat(Enumerable.Repeat("<div>", 2_000)) + "x").Select("div");

            Assert.Equal(2_000, elements.Count);
            Assert.StartsWith("<div><div>", elements[0].OuterHtml);
        }
    }
}
