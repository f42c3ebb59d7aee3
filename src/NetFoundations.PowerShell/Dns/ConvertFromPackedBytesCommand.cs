using System;
using System.Collections.Generic;
using System.Management.Automation;
using NetFoundations.Core;

namespace NetFoundations.PowerShell.Dns
{
    /// <summary>
    /// Unpacks bytes by a struct-style format: the values one by one (so $a, $b = … takes them
    /// apart), or with -Name one object per record. Piped bytes and byte arrays are joined first.
    /// </summary>
    [Cmdlet(VerbsData.ConvertFrom, "PackedBytes", HelpUri = HelpLinks.Base + "ConvertFrom-PackedBytes.md")]
    [OutputType(typeof(object), typeof(PSObject))]
    public sealed class ConvertFromPackedBytesCommand : PSCmdlet
    {
        private readonly List<byte> data = new List<byte>();

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Format { get; set; } = string.Empty;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Bytes", "Data")]
        public byte[] InputObject { get; set; } = Array.Empty<byte>();

        /// <summary>Names for the values: each record becomes an object with these properties.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>The encoding of s (string) fields; bytes that are not valid in it are an error.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Encoding { get; set; } = "utf-8";

        protected override void ProcessRecord() => data.AddRange(InputObject);

        protected override void EndProcessing()
        {
            try
            {
                var encoding = PackedBytes.StrictEncoding(Encoding);
                if (Name != null && Name.Length != PackedBytes.ValueCount(Format))
                    throw new ArgumentException($"The format '{Format}' reads {PackedBytes.ValueCount(Format)} values, but {Name.Length} names were given.");
                foreach (var values in PackedBytes.Unpack(Format, data.ToArray(), encoding))
                    if (Name == null)
                        WriteObject(values, enumerateCollection: true);
                    else
                        WriteObject(Named(values));
            }
            catch (Exception e) when (e is ArgumentException || e is NetworkException)
            {
                WriteError(ErrorMapping.ToErrorRecord(e, Format));
            }
        }

        private PSObject Named(object[] values)
        {
            var result = new PSObject();
            for (var i = 0; i < values.Length; i++)
                result.Properties.Add(new PSNoteProperty(Name![i], values[i]));
            return result;
        }
    }
}
