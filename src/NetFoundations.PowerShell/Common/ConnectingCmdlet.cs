using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net;

namespace NetFoundations.PowerShell
{
    /// <summary>
    /// Base of every cmdlet that connects to a named host. It takes the addresses a piped object carries (a DNS
    /// record's Address, a mail exchange's Addresses, a port test's Address, Resolve-DnsName's IPAddress) by property
    /// name, and Core connects there (Endpoints.AddressesAsync) without resolving the name again: the record may come
    /// from a resolver the system does not use. The name still names the server: TLS (SNI, the certificate's name),
    /// host keys, display.
    /// </summary>
    public abstract class ConnectingCmdlet : NetworkCmdlet
    {
        /// <summary>Connect to these addresses, in order, instead of resolving the computer name.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Addresses", "IPAddress")]
        public IPAddress[]? Address { get; set; }

        /// <summary>
        /// The addresses given for the names of this input, or null when none were (then Core resolves each name).
        /// Addresses belong to one name: given with several, the input is an InvalidArgument error and null is
        /// returned with valid false.
        /// </summary>
        protected IReadOnlyList<IPAddress>? AddressesFor(IReadOnlyCollection<string> computerNames, out bool valid)
        {
            valid = true;
            var given = Address == null ? Array.Empty<IPAddress>() : Array.FindAll(Address, a => a != null);
            if (given.Length == 0)
                return null;
            if (computerNames.Count == 1)
                return given;
            valid = false;
            WriteError(new ErrorRecord(
                new ArgumentException($"-Address gives the addresses of one host, but {computerNames.Count} computer names were given: give one name with it."),
                "AddressWithSeveralNames", ErrorCategory.InvalidArgument, Address));
            return null;
        }

        /// <summary>The addresses given for computerName, or null to resolve it.</summary>
        protected IReadOnlyList<IPAddress>? AddressesFor(string computerName) => AddressesFor(new[] { computerName }, out _);
    }
}
