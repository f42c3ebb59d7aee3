using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace NetFoundations.Host
{
    /// <summary>One argument for the script: a named parameter (with a value, or a bare switch) or a positional value.</summary>
    public sealed class ScriptArgument
    {
        public ScriptArgument(string? name, object? value, bool isSwitch = false)
        {
            Name = name;
            Value = value;
            IsSwitch = isSwitch;
        }

        public string? Name { get; }
        public object? Value { get; }
        public bool IsSwitch { get; }
    }

    /// <summary>
    /// Turns `-File script.ps1` arguments into parameters the way pwsh does: `-Name value`, `-Name:value`,
    /// `-Switch`, `-Switch:$false`, and positional values. The script's parameter metadata tells switches from
    /// parameters that take a value; a comma list given to an array parameter becomes an array.
    /// </summary>
    public static class ScriptArguments
    {
        public static IReadOnlyList<ScriptArgument> Bind(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, ParameterMetadata> parameters)
        {
            var bound = new List<ScriptArgument>();
            for (var i = 0; i < arguments.Count; i++)
            {
                var argument = arguments[i];
                if (!IsParameterName(argument))
                {
                    bound.Add(new ScriptArgument(null, argument));
                    continue;
                }
                var colon = argument.IndexOf(':');
                var name = colon > 0 ? argument.Substring(1, colon - 1) : argument.Substring(1);
                var parameter = Find(parameters, name);
                var isSwitch = parameter != null && parameter.SwitchParameter;
                if (colon > 0)
                {
                    var text = argument.Substring(colon + 1);
                    bound.Add(new ScriptArgument(name, isSwitch ? ParseSwitch(text) : Convert(text, parameter)));
                }
                else if (isSwitch || i + 1 >= arguments.Count || (parameter == null && IsParameterName(arguments[i + 1])))
                {
                    bound.Add(new ScriptArgument(name, null, isSwitch: true));
                }
                else
                {
                    bound.Add(new ScriptArgument(name, Convert(arguments[++i], parameter)));
                }
            }
            return bound;
        }

        private static bool IsParameterName(string argument) =>
            argument.Length > 1 && argument[0] == '-' && (char.IsLetter(argument[1]) || argument[1] == '_' || argument[1] == '?');

        private static ParameterMetadata? Find(IReadOnlyDictionary<string, ParameterMetadata> parameters, string name)
        {
            var exact = parameters.Values.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
                || p.Aliases.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase)));
            if (exact != null)
                return exact;
            var prefixed = parameters.Values.Where(p => p.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
            return prefixed.Count == 1 ? prefixed[0] : null;
        }

        private static object ParseSwitch(string text)
        {
            switch (text.Trim().TrimStart('$').ToLowerInvariant())
            {
                case "true": case "1": return true;
                case "false": case "0": return false;
                default: return text;
            }
        }

        private static object Convert(string text, ParameterMetadata? parameter) =>
            parameter != null && parameter.ParameterType.IsArray && text.Contains(',')
                ? text.Split(',')
                : text;
    }
}
