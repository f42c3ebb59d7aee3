using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;
using NetFoundations.Core;
using NetFoundations.Core.Caching;

namespace NetFoundations.PowerShell.Caching
{
    /// <summary>Parameters of the cmdlets that work in a memcached session.</summary>
    public abstract class MemcachedCmdlet : NetworkCmdlet
    {
        /// <summary>From Connect-Memcached, or the Session property of a piped item.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNull]
        public MemcachedSession Session { get; set; } = null!;

        [Parameter]
        [ValidateRange(0.1, 3600.0)]
        public double TimeoutSeconds { get; set; } = 10;

        protected TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

        /// <summary>
        /// The value's flags and bytes, by the module's convention: text as UTF-8 (flags 0), bytes as they are (1),
        /// any other object as JSON (2, ConvertTo-Json -Depth 10 -Compress). On the pipeline thread.
        /// </summary>
        protected (uint Flags, byte[] Data) Encode(object? value, bool asJson = false)
        {
            var bare = value is PSObject wrapped ? wrapped.BaseObject : value;
            if (!asJson && bare is string text)
                return (0, Encoding.UTF8.GetBytes(text));
            if (!asJson && bare is byte[] bytes)
                return (1, bytes);
            var json = InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($o) ConvertTo-Json -InputObject $o -Depth 10 -Compress"), null, value);
            return (2, Encoding.UTF8.GetBytes(json.Count > 0 ? json[0]?.ToString() ?? "null" : "null"));
        }

        /// <summary>The item with its value read as its flags say: a JSON item (flags 2) becomes the object ConvertFrom-Json gives. On the pipeline thread.</summary>
        protected MemcachedItem Decode(MemcachedItem item, bool asBytes)
        {
            if (asBytes)
                return item.WithValue(item.GetBytes());
            if (item.Format != MemcachedValueFormat.Json || !(item.Value is string json))
                return item;
            try
            {
                var parsed = InvokeCommand.InvokeScript(false, ScriptBlock.Create("param($j) ConvertFrom-Json -InputObject $j"), null, json);
                return item.WithValue(parsed.Count == 1 ? parsed[0] : (object)parsed);
            }
            catch (RuntimeException)
            {
                WriteWarning($"The item '{item.Key}' is marked as JSON (flags 2) but is not JSON: its text is given.");
                return item;
            }
        }

        /// <summary>Writes the failures of a multi-server operation, one error per server.</summary>
        protected void WriteFailures(IEnumerable<NetworkException> failures)
        {
            foreach (var failure in failures)
                WriteError(ErrorMapping.ToErrorRecord(failure, failure.Target));
        }
    }
}
