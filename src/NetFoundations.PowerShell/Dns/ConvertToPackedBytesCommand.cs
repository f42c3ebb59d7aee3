using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core;

namespace NetFoundations.PowerShell.Dns
{
    /// <summary>Packs values into bytes by a struct-style format; piped values make consecutive records of one byte array.</summary>
    [Cmdlet(VerbsData.ConvertTo, "PackedBytes", HelpUri = HelpLinks.Base + "ConvertTo-PackedBytes.md")]
    [OutputType(typeof(byte[]))]
    public sealed class ConvertToPackedBytesCommand : PSCmdlet
    {
        private readonly List<object?> values = new List<object?>();

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Format { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [AllowNull]
        [AllowEmptyString]
        public object?[] Value { get; set; } = Array.Empty<object?>();

        /// <summary>The encoding of s (string) fields.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Encoding { get; set; } = "utf-8";

        // Core sees the values themselves, not PowerShell's wrappers around them (a [bigint] from a variable comes wrapped).
        protected override void ProcessRecord() => values.AddRange(Value.Select(v => v is PSObject wrapped ? wrapped.BaseObject : v));

        protected override void EndProcessing()
        {
            try
            {
                var encoding = PackedBytes.StrictEncoding(Encoding);
                var perRecord = PackedBytes.ValueCount(Format);
                if (perRecord == 0 || values.Count % perRecord != 0)
                    throw new ArgumentException($"The format '{Format}' packs {perRecord} values per record; {values.Count} values are not a whole number of records.");
                using var output = new MemoryStream();
                for (var start = 0; start < values.Count; start += perRecord)
                {
                    var record = PackedBytes.Pack(Format, values.GetRange(start, perRecord), encoding);
                    output.Write(record, 0, record.Length);
                }
                WriteObject(output.ToArray(), enumerateCollection: false);
            }
            catch (ArgumentException e)
            {
                WriteError(ErrorMapping.ToErrorRecord(e, Format));
            }
        }
    }
}
