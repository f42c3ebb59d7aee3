using System;
using System.Management.Automation;
using NetFoundations.Core.Dns;

namespace NetFoundations.PowerShell.Dns
{
    /// <summary>ErrorRecords for DNS: each error response code has its own ErrorId; everything else maps as usual.</summary>
    internal static class DnsErrors
    {
        public static ErrorRecord ToErrorRecord(Exception error, object? target)
        {
            if (!(error is DnsQueryException query))
                return ErrorMapping.ToErrorRecord(error, target);
            var (id, category) = query.ResponseCode switch
            {
                "NXDOMAIN" => ("DnsNameNotFound", ErrorCategory.ObjectNotFound),
                DnsQueryException.NoData => ("DnsNoData", ErrorCategory.ObjectNotFound),
                "SERVFAIL" => ("DnsServerFailure", ErrorCategory.ResourceUnavailable),
                "REFUSED" => ("DnsQueryRefused", ErrorCategory.PermissionDenied),
                _ => ("DnsErrorResponse", ErrorCategory.InvalidResult),
            };
            return new ErrorRecord(query, id, category, target ?? query.Name);
        }
    }
}
