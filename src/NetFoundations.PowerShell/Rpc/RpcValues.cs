using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core;

namespace NetFoundations.PowerShell.Rpc
{
    /// <summary>
    /// Values between the shell and Core's RPC encoders: hashtables and PSCustomObjects become dictionaries (in their
    /// order), lists arrays; replies' dictionaries become PSCustomObjects with their members in order.
    /// </summary>
    internal static class RpcValues
    {
        private const int MaxDepth = 64;

        public static object? ToCore(object? value, int depth = 0)
        {
            if (depth > MaxDepth)
                throw new InvalidNetworkRequestException($"The value is nested more than {MaxDepth} levels deep (an object that contains itself?).", null);
            if (value is PSObject wrapped)
            {
                if (wrapped.BaseObject is PSCustomObject)
                {
                    var members = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (var property in wrapped.Properties)
                        members[property.Name] = ToCore(property.Value, depth + 1);
                    return members;
                }
                value = wrapped.BaseObject;
            }
            switch (value)
            {
                case null:
                case string _:
                case byte[] _:
                    return value;
                case SwitchParameter flag:
                    return flag.IsPresent;
                case IDictionary dictionary:
                    var copy = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in dictionary)
                        copy[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] = ToCore(entry.Value, depth + 1);
                    return copy;
                case IEnumerable items:
                    return items.Cast<object?>().Select(i => ToCore(i, depth + 1)).ToArray();
                default:
                    return value;
            }
        }

        /// <summary>The arguments a piped object gives: a list gives its items, anything else itself.</summary>
        public static IEnumerable<object?> Spread(object? input)
        {
            var value = input is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : input;
            if (value is IList list && !(value is byte[]))
                return list.Cast<object?>().Select(i => ToCore(i));
            return new[] { ToCore(value) };
        }

        public static object? ToShell(object? value)
        {
            switch (value)
            {
                case Dictionary<string, object?> members:
                    var shell = new PSObject();
                    foreach (var member in members)
                        shell.Properties.Add(new PSNoteProperty(member.Key, ToShell(member.Value)));
                    return shell;
                case object?[] items:
                    return items.Select(ToShell).ToArray();
                default:
                    return value;
            }
        }
    }
}
