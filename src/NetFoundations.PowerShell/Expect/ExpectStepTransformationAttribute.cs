using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Security;
using NetFoundations.Core.Expect;

namespace NetFoundations.PowerShell.Expect
{
    /// <summary>
    /// Lets -Step take hashtables: @{ Expect = '\$ $'; Timeout = 5 }, @{ Send = 'uname -a' }, @{ Send = 'y'; NoNewLine = $true },
    /// @{ SendSecret = $credential }. A wrong key or value is a parameter error that says what a step looks like.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    public sealed class ExpectStepTransformationAttribute : ArgumentTransformationAttribute
    {
        private const string Shape = "A step is a hashtable: @{ Expect = '<regex>'; Timeout = <seconds> }, @{ Send = '<text>'; NoNewLine = $true }, or @{ SendSecret = <PSCredential or SecureString> }.";
        private static readonly string[] Actions = { "Send", "SendSecret", "Expect" };
        private static readonly string[] Keys = { "Send", "SendSecret", "Expect", "Timeout", "NoNewLine" };

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var input = Unwrap(inputData);
            var items = input is IDictionary || input is ExpectStep
                ? new[] { input }
                : LanguagePrimitives.GetEnumerable(input)?.Cast<object?>().Select(Unwrap).ToArray() ?? new[] { input };
            return items.Select((item, index) => Convert(item, index + 1)).ToArray();
        }

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

        private static ExpectStep Convert(object? item, int number)
        {
            if (item is ExpectStep step)
                return step;
            if (!(item is IDictionary table))
                throw Error(number, $"{(item == null ? "$null" : item.GetType().Name)} is not a step. {Shape}");
            var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in table)
            {
                var key = entry.Key?.ToString() ?? string.Empty;
                if (!Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
                    throw Error(number, $"'{key}' is not a key of a step: use {string.Join(", ", Keys)}. {Shape}");
                values[key] = Unwrap(entry.Value);
            }
            var actions = Actions.Where(values.ContainsKey).ToList();
            if (actions.Count != 1)
                throw Error(number, $"A step has exactly one of Send, SendSecret or Expect. {Shape}");
            var action = actions[0];
            if (values.ContainsKey("Timeout") && action != "Expect")
                throw Error(number, "Timeout belongs to an Expect step.");
            if (values.ContainsKey("NoNewLine") && action == "Expect")
                throw Error(number, "NoNewLine belongs to a Send or SendSecret step.");
            var newLine = !(values.TryGetValue("NoNewLine", out var noNewLine) && LanguagePrimitives.IsTrue(noNewLine));
            try
            {
                switch (action)
                {
                    case "Send":
                        return ExpectStep.Send(values["Send"] == null ? throw Error(number, "Send needs text.") : LanguagePrimitives.ConvertTo<string>(values["Send"]), newLine);
                    case "SendSecret":
                        return ExpectStep.SendSecret(Secret(values["SendSecret"], number), newLine);
                    default:
                        return ExpectStep.Expect(LanguagePrimitives.ConvertTo<string>(values["Expect"]), Timeout(values, number));
                }
            }
            catch (ArgumentException e)
            {
                throw Error(number, e.Message);
            }
        }

        private static NetworkCredential Secret(object? value, int number) => value switch
        {
            PSCredential credential => credential.GetNetworkCredential(),
            SecureString secure => new NetworkCredential(string.Empty, secure),
            _ => throw Error(number, "SendSecret takes a PSCredential (its password is sent) or a SecureString, never plain text."),
        };

        private static TimeSpan? Timeout(Dictionary<string, object?> values, int number)
        {
            if (!values.TryGetValue("Timeout", out var value))
                return null;
            double seconds;
            try
            {
                seconds = LanguagePrimitives.ConvertTo<double>(value);
            }
            catch (PSInvalidCastException)
            {
                throw Error(number, $"Timeout is a number of seconds, not '{value}'.");
            }
            if (!(seconds > 0 && seconds <= 86400))
                throw Error(number, $"Timeout is more than 0 and at most 86400 seconds, not {seconds}.");
            return TimeSpan.FromSeconds(seconds);
        }

        private static ArgumentTransformationMetadataException Error(int number, string message) =>
            new ArgumentTransformationMetadataException($"Step {number}: {message}");
    }
}
