using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Http;
using NetFoundations.PowerShell.Servers;

namespace NetFoundations.PowerShell.Http
{
    /// <summary>
    /// Start-HttpServer's routes as handlers: every route's scriptblock runs in one bounded pool of runspaces
    /// (ScriptBlockPool), inside a dispatcher script defined once per runspace. The dispatcher gives the route the
    /// request (as $Request and its first argument, with $Request.Json added for a JSON body, through ConvertFrom-Json),
    /// and turns what the route outputs that is not already a body (strings, bytes, files, numbers, a response) into
    /// JSON with ConvertTo-Json, so the JSON is what PowerShell users know. The rest of the mapping is ToResponse's.
    /// </summary>
    internal sealed class HttpScriptBlockRoutes : IDisposable
    {
        // {0}: one "N { & { route N } $Request }" clause per route.
        private const string Dispatcher = @"
param($Request, [int] $NetFoundationsRoute)
if ($Request.IsJson -and $Request.BodyLength -gt 0) {
    try {
        $Request = $Request | Add-Member -NotePropertyName Json -NotePropertyValue (ConvertFrom-Json -InputObject $Request.BodyText -ErrorAction Stop) -PassThru
    }
    catch {
        return @{ Status = 400; Body = ""400 Bad Request: the JSON body does not parse: $($_.Exception.Message)"" }
    }
}
$NetFoundationsItems = @(switch ($NetFoundationsRoute) {
{0}
})
if ($NetFoundationsItems.Count -eq 1 -and $NetFoundationsItems[0] -is [System.Collections.IDictionary] -and
    ($NetFoundationsItems[0].Contains('Status') -or $NetFoundationsItems[0].Contains('StatusCode') -or $NetFoundationsItems[0].Contains('Body'))) {
    $NetFoundationsSpec = $NetFoundationsItems[0]
    $NetFoundationsBody = $NetFoundationsSpec['Body']
    if ($null -eq $NetFoundationsBody -or $NetFoundationsBody -is [string] -or $NetFoundationsBody -is [byte[]] -or $NetFoundationsBody -is [System.IO.FileInfo]) {
        return ,$NetFoundationsSpec
    }
    $NetFoundationsCopy = @{}
    foreach ($NetFoundationsKey in $NetFoundationsSpec.Keys) { $NetFoundationsCopy[$NetFoundationsKey] = $NetFoundationsSpec[$NetFoundationsKey] }
    $NetFoundationsCopy['Body'] = ConvertTo-Json -InputObject $NetFoundationsBody -Depth 10 -Compress
    if (-not $NetFoundationsCopy['ContentType']) { $NetFoundationsCopy['ContentType'] = 'application/json; charset=utf-8' }
    return ,$NetFoundationsCopy
}
foreach ($NetFoundationsItem in $NetFoundationsItems) {
    if (-not ($NetFoundationsItem -is [string] -or $NetFoundationsItem -is [ValueType] -or $NetFoundationsItem -is [byte[]] -or
        $NetFoundationsItem -is [System.IO.FileInfo] -or $NetFoundationsItem -is [NetFoundations.Core.Http.HttpServerResponse])) {
        $NetFoundationsValue = if ($NetFoundationsItems.Count -eq 1) { $NetFoundationsItems[0] } else { $NetFoundationsItems }
        return @{ Status = 200; ContentType = 'application/json; charset=utf-8'; Body = (ConvertTo-Json -InputObject $NetFoundationsValue -Depth 10 -Compress) }
    }
}
$NetFoundationsItems
";

        private readonly ScriptBlockPool pool;
        private readonly Action<ErrorRecord>? reportError;

        /// <param name="routes">Each route's scriptblock, in the order of their indexes.</param>
        public HttpScriptBlockRoutes(IReadOnlyList<ScriptBlock> routes, int maxRunspaces, IDictionary? variables, string? modulePath, Action<ErrorRecord>? reportError)
        {
            var clauses = new StringBuilder();
            for (var i = 0; i < routes.Count; i++)
                clauses.Append(i).Append(" { & {\n").Append(routes[i].ToString()).Append("\n} $Request }\n");
            pool = new ScriptBlockPool(ScriptBlock.Create(Dispatcher.Replace("{0}", clauses.ToString())), maxRunspaces, variables, modulePath);
            this.reportError = reportError;
        }

        /// <summary>The handler of route index.</summary>
        public Func<HttpServerRequest, CancellationToken, Task<HttpServerResponse>> Handler(int index) => async (request, cancel) =>
        {
            var output = new PSDataCollection<PSObject>();
            var errors = await pool.InvokeAsync(new Dictionary<string, object?>(), null, output, cancel, new object[] { request, index }).ConfigureAwait(false);
            if (reportError != null)
            {
                foreach (var error in errors)
                    reportError(error);
            }
            return ToResponse(output, request);
        };

        public void Dispose() => pool.Dispose();

        /// <summary>
        /// What a route output, as the answer: nothing → 204; a response as it is; a table with Status/Body/Headers/
        /// ContentType; a file (FileInfo) with ranges and validators; bytes (a returned byte[] comes unrolled) → octet
        /// stream; text and numbers → text/plain, several joined by new lines (JSON was made by the dispatcher).
        /// </summary>
        internal static HttpServerResponse ToResponse(PSDataCollection<PSObject> output, HttpServerRequest request)
        {
            var items = output.Where(o => o != null && o.BaseObject != null).Select(o => o.BaseObject).ToList();
            if (items.Count == 0)
                return new HttpServerResponse(204);
            if (items.All(i => i is byte))
                return HttpServerResponse.Bytes(200, items.Cast<byte>().ToArray());
            if (items.Count == 1)
            {
                switch (items[0])
                {
                    case HttpServerResponse response:
                        return response;
                    case IDictionary spec:
                        return FromTable(spec, request);
                    case byte[] bytes:
                        return HttpServerResponse.Bytes(200, bytes);
                    case FileInfo file:
                        return FileAnswer(file, request, null);
                }
            }
            return HttpServerResponse.Text(200, string.Join("\n", items.Select(i => LanguagePrimitives.ConvertTo<string>(i))));
        }

        private static HttpServerResponse FromTable(IDictionary spec, HttpServerRequest request)
        {
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in spec)
                table[entry.Key.ToString()!] = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
            var status = table["Status"] ?? table["StatusCode"];
            var code = status == null ? 200 : LanguagePrimitives.ConvertTo<int>(status);
            var contentType = table["ContentType"] as string;
            HttpServerResponse response = table["Body"] switch
            {
                null => status != null && code >= 400 ? Plain(HttpServerResponse.Status(code), contentType) : new HttpServerResponse(code),
                byte[] bytes => HttpServerResponse.Bytes(code, bytes, contentType ?? "application/octet-stream"),
                FileInfo file => FileAnswer(file, request, contentType),
                var text => HttpServerResponse.Text(code, LanguagePrimitives.ConvertTo<string>(text), contentType ?? "text/plain; charset=utf-8"),
            };
            if (table["Headers"] is IDictionary headers)
            {
                foreach (DictionaryEntry header in headers)
                {
                    var value = header.Value is PSObject wrapped ? wrapped.BaseObject : header.Value;
                    if (value is IEnumerable many && !(value is string))
                    {
                        foreach (var one in many)
                            response.AddHeader(header.Key.ToString()!, LanguagePrimitives.ConvertTo<string>(one));
                    }
                    else
                        response.AddHeader(header.Key.ToString()!, LanguagePrimitives.ConvertTo<string>(value));
                }
            }
            return response;
        }

        private static HttpServerResponse Plain(HttpServerResponse response, string? contentType) =>
            contentType == null ? response : HttpServerResponse.Bytes(response.StatusCode, response.Body, contentType);

        private static HttpServerResponse FileAnswer(FileInfo file, HttpServerRequest request, string? contentType)
        {
            file.Refresh();
            return file.Exists ? HttpStaticFiles.File(file, request, contentType) : HttpServerResponse.Status(404);
        }
    }
}
