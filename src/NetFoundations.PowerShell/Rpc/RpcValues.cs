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

        /// <summary>How many objects deep ToWire follows properties before it takes an object's text (as ConvertTo-Json's -Depth 2).</summary>
        private const int ObjectDepth = 2;

        /// <summary>
        /// A server method's output as a value the codecs send: what ToCore makes of shell values, and any other object
        /// (a FileInfo, a Process) as a struct of its properties, ObjectDepth objects deep, then as its text; enums and
        /// scalar-like types (Guid, TimeSpan, IPAddress, Version, Uri) as text. Hashtables, lists and PSCustomObjects are
        /// followed as deep as the codecs allow (MaxDepth, which refuses a structure that contains itself).
        /// </summary>
        public static object? ToWire(object? value, int depth = 0, int objects = 0)
        {
            if (depth > MaxDepth)
                throw new InvalidNetworkRequestException($"The value is nested more than {MaxDepth} levels deep (an object that contains itself?).", null);
            if (value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject))
                value = wrapped.BaseObject;
            switch (value)
            {
                case null:
                case string _: case bool _: case char _: case byte[] _: case DateTime _: case DateTimeOffset _:
                case byte _: case sbyte _: case short _: case ushort _: case int _: case uint _: case long _: case ulong _:
                case float _: case double _: case decimal _:
                    return value;
                case Enum _:
                case Guid _: case TimeSpan _: case Version _: case Uri _: case System.Net.IPAddress _:
                    return value.ToString();
                case SwitchParameter flag:
                    return flag.IsPresent;
            }
            switch (value)
            {
                case PSObject custom:
                    var members = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (var property in custom.Properties)
                        members[property.Name] = ToWire(property.Value, depth + 1, objects);
                    return members;
                case IDictionary dictionary:
                    var copy = new OrderedDictionary(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in dictionary)
                        copy[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] = ToWire(entry.Value, depth + 1, objects);
                    return copy;
                case IEnumerable items:
                    return items.Cast<object?>().Select(i => ToWire(i, depth + 1, objects)).ToArray();
            }
            if (objects >= ObjectDepth)
                return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            var properties = new OrderedDictionary(StringComparer.Ordinal);
            foreach (var property in PSObject.AsPSObject(value).Properties)
            {
                if (!property.IsGettable)
                    continue;
                object? member;
                try
                {
                    member = property.Value;
                }
                catch (Exception)
                {
                    // A property whose getter throws (a stopped process's StartTime) is left out, as ConvertTo-Json does.
                    continue;
                }
                properties[property.Name] = ToWire(member, depth + 1, objects + 1);
            }
            return properties;
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
