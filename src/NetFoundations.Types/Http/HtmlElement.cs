using System;
using System.Collections.Generic;

namespace NetFoundations.Core.Http
{
    /// <summary>An element a CSS selector matched in an HTML page: its tag, text as a reader sees it, and attributes.</summary>
    public sealed class HtmlElement
    {
        private readonly Lazy<string> outerHtml;

        public HtmlElement(string tagName, string? id, string? className, string text, Func<string> outerHtml,
            IReadOnlyDictionary<string, string> attributes, string? link, string? baseUri)
        {
            TagName = tagName;
            Id = id;
            ClassName = className;
            Text = text;
            this.outerHtml = new Lazy<string>(outerHtml);
            Attributes = attributes;
            Link = link;
            BaseUri = baseUri;
        }

        /// <summary>The tag, in lower case (a, li, td).</summary>
        public string TagName { get; }
        public string? Id { get; }
        /// <summary>The class attribute, as written (several classes separated by spaces).</summary>
        public string? ClassName { get; }
        /// <summary>The text inside, with runs of white space made one space and the ends trimmed.</summary>
        public string Text { get; }
        /// <summary>The element's own markup, with everything inside it (made when first asked for).</summary>
        public string OuterHtml => outerHtml.Value;
        public IReadOnlyDictionary<string, string> Attributes { get; }
        /// <summary>Where href, src or action points, made absolute against BaseUri when the page has one.</summary>
        public string? Link { get; }
        /// <summary>The page's address, against which links are resolved; null for markup that came without one.</summary>
        public string? BaseUri { get; }

        public override string ToString() => Text;
    }

    /// <summary>A table of an HTML page: its column names and rows of cell texts, spans spread over the cells they cover.</summary>
    public sealed class HtmlTable
    {
        public HtmlTable(int index, string? caption, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string?>> rows)
        {
            Index = index;
            Caption = caption;
            Columns = columns;
            Rows = rows;
        }

        /// <summary>Which table of those the selector matched, from 0.</summary>
        public int Index { get; }
        public string? Caption { get; }
        /// <summary>One unique name a column: the header's text, Column1 … where a header is empty or missing.</summary>
        public IReadOnlyList<string> Columns { get; }
        /// <summary>Each row has one cell a column: null where the row is shorter than the table.</summary>
        public IReadOnlyList<IReadOnlyList<string?>> Rows { get; }
    }
}
