using System;
using System.Collections.Generic;
using System.Linq;

namespace NetFoundations.Core.Http
{
    /// <summary>A control of an HTML form: an input, a select, a textarea or a button.</summary>
    public sealed class HtmlFormField
    {
        public HtmlFormField(string name, string type, string value, bool isSubmitted)
        {
            Name = name;
            Type = type;
            Value = value;
            IsSubmitted = isSubmitted;
        }

        public string Name { get; }
        /// <summary>text, hidden, password, checkbox, radio, submit, select, select-multiple, textarea …</summary>
        public string Type { get; }
        /// <summary>The value the page gives it (a select's selected option).</summary>
        public string Value { get; }
        /// <summary>Whether a browser sends it as the page stands: unchecked boxes, buttons and disabled controls are not sent.</summary>
        public bool IsSubmitted { get; }
        public bool IsHidden => string.Equals(Type, "hidden", StringComparison.OrdinalIgnoreCase);

        public override string ToString() => $"{Name}={Value}";
    }

    /// <summary>A form of an HTML page: where it goes, how, and its controls with the values the page gave them (hidden tokens too).</summary>
    public sealed class HtmlForm
    {
        public HtmlForm(int index, string? id, string? name, string action, string method, string encodingType,
            IReadOnlyList<HtmlFormField> fields, string? baseUri)
        {
            Index = index;
            Id = id;
            Name = name;
            Action = action;
            Method = method;
            EncodingType = encodingType;
            Fields = fields;
            BaseUri = baseUri;
        }

        /// <summary>Which form of those the selector matched, from 0.</summary>
        public int Index { get; }
        public string? Id { get; }
        public string? Name { get; }
        /// <summary>Where the form is sent, made absolute against the page's address when it has one.</summary>
        public string Action { get; }
        /// <summary>GET or POST.</summary>
        public string Method { get; }
        public string EncodingType { get; }
        public IReadOnlyList<HtmlFormField> Fields { get; }
        /// <summary>The names of the fields a browser would send, in page order.</summary>
        public string FieldNames => string.Join(", ", Fields.Where(f => f.IsSubmitted).Select(f => f.Name).Distinct());
        public string? BaseUri { get; }

        /// <summary>
        /// The name/value pairs to send: the submitted fields in page order, each name in values replacing the page's value
        /// (or added when the page has no such field). Hidden fields, such as a CSRF token, go as the page gave them.
        /// </summary>
        public IReadOnlyList<KeyValuePair<string, string>> GetSubmission(System.Collections.IDictionary? values) =>
            GetSubmission(values?.Keys.Cast<object>().Select(key => new KeyValuePair<string, string>(
                key.ToString() ?? string.Empty, values[key]?.ToString() ?? string.Empty)));

        /// <summary>The pairs to send (see the other overload), from name/value pairs: a name may come more than once.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> GetSubmission(IEnumerable<KeyValuePair<string, string>>? values)
        {
            var given = new List<KeyValuePair<string, string>>(values ?? Enumerable.Empty<KeyValuePair<string, string>>());
            var names = new HashSet<string>(given.Select(v => v.Key), StringComparer.Ordinal);
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var field in Fields)
            {
                if (names.Contains(field.Name))
                {
                    if (!pairs.Any(p => p.Key == field.Name))
                        pairs.AddRange(given.Where(v => v.Key == field.Name));
                }
                else if (field.IsSubmitted)
                    pairs.Add(new KeyValuePair<string, string>(field.Name, field.Value));
            }
            pairs.AddRange(given.Where(v => !Fields.Any(f => f.Name == v.Key)));
            return pairs;
        }
    }
}
