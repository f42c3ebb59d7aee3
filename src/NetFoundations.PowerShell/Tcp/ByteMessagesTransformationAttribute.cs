using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace NetFoundations.PowerShell.Tcp
{
    /// <summary>
    /// Binds -Bytes: one byte[] (or a list of numbers) is one message; a list of byte arrays is many.
    /// Without it PowerShell would turn a byte[] into one one-byte message per byte.
    /// </summary>
    public sealed class ByteMessagesTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var input = Unwrap(inputData);
            if (input is byte[] single)
                return new[] { single };
            if (input is IEnumerable items && !(input is string))
            {
                var messages = new List<byte[]>();
                foreach (var item in items)
                {
                    if (!(Unwrap(item) is byte[] message))
                        return new[] { LanguagePrimitives.ConvertTo<byte[]>(input) };
                    messages.Add(message);
                }
                return messages.ToArray();
            }
            return new[] { LanguagePrimitives.ConvertTo<byte[]>(input) };
        }

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
    }
}
