using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// The chapter 11 scraper's half that reads pages: HTML parsed by AngleSharp (the HTML5 algorithm, so markup as
    /// browsers see it), queried with CSS selectors, read into the project's own objects. A page is text already in
    /// memory, bounded by whoever fetched it. Deeply nested markup costs the HTML5 algorithm time that grows with the
    /// square of the depth (AngleSharp, unlike browsers, does not cap it), so parsing is cancellable at every element
    /// AngleSharp creates, and the elements of a page are bounded; what this class walks (text, table cells, form
    /// controls) it walks without recursion, checking the token as it goes.
    /// </summary>
    public sealed class HtmlScraper
    {
        /// <summary>Columns a table may have, and cells a span may cover: a hostile colspan must not make a huge grid.</summary>
        public const int MaxColumns = 1000;
        public const int MaxRowSpan = 1000;
        /// <summary>Elements a page may have: far more than any real page, far fewer than memory allows.</summary>
        public const int MaxElements = 2_000_000;

        private readonly IHtmlDocument document;
        private readonly Uri? baseUri;
        private readonly CancellationToken cancel;

        private HtmlScraper(IHtmlDocument document, Uri? baseUri, CancellationToken cancel)
        {
            this.document = document;
            this.baseUri = baseUri;
            this.cancel = cancel;
        }

        /// <summary>
        /// Parses a page; baseUri is the page's address, against which its links are made absolute (a base element wins).
        /// The token bounds the parse and every query of the result.
        /// </summary>
        public static HtmlScraper Parse(string html, Uri? baseUri, CancellationToken cancel)
        {
            var elements = 0;
            var parser = new HtmlParser(new HtmlParserOptions
            {
                IsKeepingSourceReferences = false,
                OnCreated = (_, _) =>
                {
                    cancel.ThrowIfCancellationRequested();
                    if (++elements > MaxElements)
                        throw new ProtocolViolationException($"The page has more than {MaxElements:N0} elements (MaxElements).", baseUri?.AbsoluteUri);
                },
            });
            var document = parser.ParseDocument(html ?? string.Empty);
            var declared = document.QuerySelector("base[href]")?.GetAttribute("href");
            if (declared != null && Uri.TryCreate(baseUri, declared, out var resolved) && resolved.IsAbsoluteUri)
                baseUri = resolved;
            return new HtmlScraper(document, baseUri != null && baseUri.IsAbsoluteUri ? baseUri : null, cancel);
        }

        public string? BaseUri => baseUri?.AbsoluteUri;

        /// <summary>The page's title, or null.</summary>
        public string? Title => document.Title is { Length: > 0 } title ? Normalize(title) : null;

        /// <summary>Every link of the page (a and area href), absolute when the page has an address, in page order, each once.</summary>
        public IReadOnlyList<string> Links =>
            document.QuerySelectorAll("a[href], area[href]").Select(e => Resolve(e.GetAttribute("href")!))
                .Where(l => l != null).Select(l => l!).Distinct(StringComparer.Ordinal).ToList();

        /// <summary>The elements the selector matches, in page order.</summary>
        public IReadOnlyList<HtmlElement> Select(string selector) => Query(document, selector).Select(ToElement).ToList();

        /// <summary>
        /// One record a matched element: for each (name, selector) the text of the first element under it that the
        /// selector matches, or null. "selector@attribute" takes an attribute instead (links made absolute), "@attribute"
        /// the matched element's own, and an empty selector its own text.
        /// </summary>
        public IReadOnlyList<IReadOnlyList<KeyValuePair<string, string?>>> SelectProperties(string selector,
            IReadOnlyList<KeyValuePair<string, string>> properties)
        {
            var parsed = properties.Select(p => (p.Key, Part: SplitAttribute(p.Value))).ToList();
            var records = new List<IReadOnlyList<KeyValuePair<string, string?>>>();
            foreach (var element in Query(document, selector))
            {
                var record = new List<KeyValuePair<string, string?>>();
                foreach (var (name, part) in parsed)
                {
                    var target = part.Selector.Length == 0 ? element : element.QuerySelector(part.Selector);
                    string? value = null;
                    if (target != null)
                        value = part.Attribute == null ? Text(target, cancel) : AttributeValue(target, part.Attribute);
                    record.Add(new KeyValuePair<string, string?>(name, value));
                }
                records.Add(record);
            }
            return records;
        }

        /// <summary>The tables the selector matches (their own rows, not those of tables inside them).</summary>
        public IReadOnlyList<HtmlTable> Tables(string selector) => Read<IHtmlTableElement, HtmlTable>(selector, ReadTable);

        /// <summary>The forms the selector matches, with their controls as a browser would send them.</summary>
        public IReadOnlyList<HtmlForm> Forms(string selector) => Read<IHtmlFormElement, HtmlForm>(selector, ReadForm);

        /// <summary>Each matched element of the wanted kind read into a record numbered from 0; others are passed over.</summary>
        private IReadOnlyList<TRecord> Read<TElement, TRecord>(string selector, Func<int, TElement, TRecord> read)
            where TElement : class
        {
            var records = new List<TRecord>();
            foreach (var element in Query(document, selector))
            {
                if (element is TElement wanted)
                    records.Add(read(records.Count, wanted));
            }
            return records;
        }

        /// <summary>Throws InvalidNetworkRequestException when selector is no CSS selector.</summary>
        public static void CheckSelector(string selector)
        {
            if (selector.Length > 0)
                Query(new HtmlParser().ParseDocument(string.Empty), selector);
        }

        /// <summary>The selector part of a -Property value ("li a@href" → "li a").</summary>
        public static string PropertySelector(string value) => SplitAttribute(value).Selector;

        private static IEnumerable<IElement> Query(IParentNode root, string selector)
        {
            try
            {
                return root.QuerySelectorAll(selector).ToList();
            }
            catch (DomException)
            {
                throw new InvalidNetworkRequestException($"'{selector}' is not a CSS selector.", selector);
            }
        }

        private static (string Selector, string? Attribute) SplitAttribute(string value)
        {
            var at = value.LastIndexOf('@');
            // An @ inside brackets belongs to an attribute selector ([href^="mailto:a@b"]), not to the attribute to take.
            if (at < 0 || value.IndexOf(']', at) >= 0)
                return (value.Trim(), null);
            return (value.Substring(0, at).Trim(), value.Substring(at + 1).Trim());
        }

        private HtmlElement ToElement(IElement element)
        {
            var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var attribute in element.Attributes)
                attributes[attribute.Name] = attribute.Value;
            var link = element.GetAttribute("href") ?? element.GetAttribute("src") ?? element.GetAttribute("action");
            // The markup is made when asked for: the elements of a deep page each hold most of it.
            return new HtmlElement(element.LocalName, element.Id is { Length: > 0 } id ? id : null, element.ClassName,
                Text(element, cancel), () => element.OuterHtml, attributes, link == null ? null : Resolve(link), BaseUri);
        }

        private string? AttributeValue(IElement element, string attribute)
        {
            var value = element.GetAttribute(attribute);
            if (value == null)
                return null;
            return attribute.Equals("href", StringComparison.OrdinalIgnoreCase) || attribute.Equals("src", StringComparison.OrdinalIgnoreCase)
                || attribute.Equals("action", StringComparison.OrdinalIgnoreCase) ? Resolve(value) : value;
        }

        private string? Resolve(string link)
        {
            link = link.Trim();
            if (baseUri == null)
                return link;
            return Uri.TryCreate(baseUri, link, out var absolute) ? absolute.AbsoluteUri : link;
        }

        /// <summary>The text a reader sees: the element's text nodes (not its scripts or styles), white space made single.</summary>
        private static readonly HashSet<string> Separated = new HashSet<string>(StringComparer.Ordinal)
        {
            "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure",
            "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
            "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        };

        /// <summary>A text node standing for the space after a block, pushed to be read once the block's children are.</summary>
        private static readonly INode Space = new HtmlParser().ParseDocument(string.Empty).CreateTextNode(" ");

        internal static string Text(INode node, CancellationToken cancel)
        {
            var text = new StringBuilder();
            var pending = new Stack<INode>();
            pending.Push(node);
            for (var visited = 0; pending.Count > 0; visited++)
            {
                if ((visited & 0xFFF) == 0)
                    cancel.ThrowIfCancellationRequested();
                var current = pending.Pop();
                if (current.NodeType == NodeType.Text)
                {
                    text.Append(current.TextContent);
                    continue;
                }
                if (current is IElement element && (element.LocalName == "script" || element.LocalName == "style" || element.LocalName == "template"))
                    continue;
                if (current is IElement block && current != node && Separated.Contains(block.LocalName))
                {
                    // Blocks and cells read apart: "Bo" then a table cell "inner" is "Bo inner", as a browser shows it.
                    text.Append(' ');
                    pending.Push(Space);
                }
                for (var child = current.LastChild; child != null; child = child.PreviousSibling)
                    pending.Push(child);
            }
            return Normalize(text.ToString());
        }

        private static string Normalize(string text)
        {
            var normal = new StringBuilder(text.Length);
            var space = false;
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    space = normal.Length > 0;
                    continue;
                }
                if (space)
                    normal.Append(' ');
                space = false;
                normal.Append(c);
            }
            return normal.ToString();
        }

        private HtmlTable ReadTable(int index, IHtmlTableElement table)
        {
            // The grid, spans spread: a cell with rowspan fills the cells below it, colspan those to its right.
            var grid = new List<List<string?>>();
            var carried = new Dictionary<int, (int Rows, string Text)>();
            var rows = table.Rows.ToList();
            var firstRowHeaders = false;
            for (var r = 0; r < rows.Count; r++)
            {
                var row = new List<string?>();
                var column = 0;
                void TakeCarried()
                {
                    while (carried.TryGetValue(column, out var above))
                    {
                        row.Add(above.Text);
                        if (above.Rows <= 1) carried.Remove(column); else carried[column] = (above.Rows - 1, above.Text);
                        column++;
                    }
                }
                var allHeaders = rows[r].Cells.Length > 0;
                foreach (var cell in rows[r].Cells)
                {
                    TakeCarried();
                    allHeaders &= cell.LocalName == "th";
                    var text = Text(cell, cancel);
                    var span = Math.Max(1, Math.Min(cell.ColumnSpan, MaxColumns));
                    var rowSpan = Math.Max(1, Math.Min(cell.RowSpan, MaxRowSpan));
                    for (var s = 0; s < span && column < MaxColumns; s++, column++)
                    {
                        row.Add(text);
                        if (rowSpan > 1)
                            carried[column] = (rowSpan - 1, text);
                    }
                }
                TakeCarried();
                if (r == 0)
                    firstRowHeaders = allHeaders;
                grid.Add(row);
            }
            // The names come from the thead's last row, or else from a first row of th cells alone.
            var theadRows = rows.Count(r => r.Parent is IHtmlTableSectionElement { LocalName: "thead" });
            var headerRows = theadRows > 0 ? theadRows : firstRowHeaders ? 1 : 0;
            var width = grid.Count == 0 ? 0 : grid.Max(r => r.Count);
            var header = headerRows > 0 ? grid[headerRows - 1] : new List<string?>();
            var columns = new List<string>();
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var c = 0; c < width; c++)
            {
                var name = c < header.Count && !string.IsNullOrEmpty(header[c]) ? header[c]! : $"Column{c + 1}";
                var unique = name;
                for (var n = 2; !taken.Add(unique); n++)
                    unique = $"{name}{n}";
                columns.Add(unique);
            }
            var body = grid.Skip(headerRows).Where(r => r.Count > 0)
                .Select(r => (IReadOnlyList<string?>)r.Concat(Enumerable.Repeat<string?>(null, width - r.Count)).ToList()).ToList();
            var caption = table.Caption == null ? null : Text(table.Caption, cancel);
            return new HtmlTable(index, caption, columns, body);
        }

        private HtmlForm ReadForm(int index, IHtmlFormElement form)
        {
            var fields = new List<HtmlFormField>();
            foreach (var element in form.Elements)
            {
                var name = element.GetAttribute("name");
                if (string.IsNullOrEmpty(name))
                    continue;
                var disabled = element.HasAttribute("disabled");
                switch (element)
                {
                    case IHtmlInputElement input:
                        var type = (input.Type ?? "text").ToLowerInvariant();
                        var value = input.GetAttribute("value") ?? (type is "checkbox" or "radio" ? "on" : string.Empty);
                        var sent = !disabled && type switch
                        {
                            "checkbox" or "radio" => input.IsChecked,
                            "submit" or "button" or "reset" or "image" or "file" => false,
                            _ => true,
                        };
                        fields.Add(new HtmlFormField(name!, type, value, sent));
                        break;
                    case IHtmlSelectElement select:
                        var options = select.Options.ToList();
                        var chosen = options.Where(o => o.IsSelected).ToList();
                        if (chosen.Count == 0 && !select.IsMultiple && options.Count > 0)
                            chosen.Add(options[0]);
                        foreach (var option in chosen)
                            fields.Add(new HtmlFormField(name!, select.IsMultiple ? "select-multiple" : "select", option.Value, !disabled));
                        if (chosen.Count == 0)
                            fields.Add(new HtmlFormField(name!, "select-multiple", string.Empty, false));
                        break;
                    case IHtmlTextAreaElement area:
                        fields.Add(new HtmlFormField(name!, "textarea", area.Value, !disabled));
                        break;
                    case IHtmlButtonElement button:
                        fields.Add(new HtmlFormField(name!, (button.Type ?? "submit").ToLowerInvariant(), button.Value, false));
                        break;
                }
            }
            var method = string.Equals(form.GetAttribute("method"), "post", StringComparison.OrdinalIgnoreCase) ? "POST" : "GET";
            var action = form.GetAttribute("action");
            var target = string.IsNullOrWhiteSpace(action) ? BaseUri ?? string.Empty : Resolve(action!) ?? action!;
            var encoding = form.GetAttribute("enctype") is { Length: > 0 } enctype ? enctype : "application/x-www-form-urlencoded";
            return new HtmlForm(index, form.Id is { Length: > 0 } id ? id : null, form.Name is { Length: > 0 } n ? n : null,
                target, method, encoding, fields, BaseUri);
        }
    }
}
