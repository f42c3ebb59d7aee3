using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Net;
using NetFoundations.Core;
using NetFoundations.Core.Http;
using NetFoundations.Core.Servers;

namespace NetFoundations.PowerShell.Http
{
    /// <summary>
    /// Starts an HTTP/1.1 server whose routes are scriptblocks ('GET /items/{id}' = { param($request) … }) and/or a
    /// static folder; returns the server (a TcpServer, so Get-TcpServer and Stop-TcpServer list and stop it). With -Wait
    /// it serves in the foreground until Ctrl+C, writing its request log as objects.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "HttpServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low,
        HelpUri = HelpLinks.Base + "Start-HttpServer.md")]
    [OutputType(typeof(TcpServer), typeof(HttpServerLogEntry))]
    public sealed class StartHttpServerCommand : TlsServerCmdlet
    {
        /// <summary>'METHOD /path/{name}' = scriptblock; the scriptblock gets the request, its output is the answer.</summary>
        [Parameter(Position = 0)]
        [ValidateNotNull]
        public IDictionary? Route { get; set; }

        /// <summary>A folder whose files are served to GET and HEAD when no route matches.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StaticPath { get; set; }

        /// <summary>The only host names answered (the Host header, without port); others get 404.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? HostName { get; set; }

        /// <summary>0 picks a free port; the server's LocalPort says which.</summary>
        [Parameter(Position = 1)]
        [ValidateRange(0, 65535)]
        public int Port { get; set; }

        [Parameter]
        [Alias("Address")]
        [ValidateNotNull]
        public IPAddress LocalAddress { get; set; } = IPAddress.Loopback;

        /// <summary>Variables every route sees (they do not see the caller's).</summary>
        [Parameter]
        [ValidateNotNull]
        public IDictionary? Variable { get; set; }

        [Parameter]
        [ValidateRange(16, 1024 * 1024)]
        public int MaxRequestLineBytes { get; set; } = HttpServerOptions.DefaultMaxRequestLineBytes;

        [Parameter]
        [ValidateRange(1, 10000)]
        public int MaxHeaderCount { get; set; } = HttpServerOptions.DefaultMaxHeaderCount;

        [Parameter]
        [ValidateRange(64, 1024 * 1024)]
        public int MaxHeaderBytes { get; set; } = HttpServerOptions.DefaultMaxHeaderBytes;

        [Parameter]
        [ValidateRange(0L, (long)int.MaxValue)]
        public long MaxBodyBytes { get; set; } = HttpServerOptions.DefaultMaxBodyBytes;

        private readonly List<KeyValuePair<string, ScriptBlock>> routes = new List<KeyValuePair<string, ScriptBlock>>();

        /// <summary>Start-HttpServer's own default, kept as it was: twice the processors, at least 4.</summary>
        protected override int DefaultMaxRunspaces => Math.Max(4, Environment.ProcessorCount * 2);

        protected override void BeginProcessing()
        {
            if (Route == null && StaticPath == null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give routes (-Route), a static folder (-StaticPath), or both."),
                    "NothingToServe", ErrorCategory.InvalidArgument, null));
            foreach (DictionaryEntry entry in Route ?? new Hashtable())
            {
                var script = (entry.Value as PSObject)?.BaseObject as ScriptBlock ?? entry.Value as ScriptBlock;
                if (script == null)
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"The route '{entry.Key}' needs a scriptblock as its value."),
                        "RouteWithoutScriptBlock", ErrorCategory.InvalidArgument, entry.Key));
                routes.Add(new KeyValuePair<string, ScriptBlock>(entry.Key.ToString()!, script!));
            }
            CheckServerParameters();
        }

        protected override void ProcessRecord()
        {
            var options = new HttpServerOptions
            {
                LocalAddress = LocalAddress,
                Port = Port,
                IdleTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                MaxConnections = MaxConnections,
                MaxRequestLineBytes = MaxRequestLineBytes,
                MaxHeaderCount = MaxHeaderCount,
                MaxHeaderBytes = MaxHeaderBytes,
                MaxBodyBytes = MaxBodyBytes,
                TlsProtocols = TlsProtocol,
                ClientCertificateMode = ClientCertificateMode,
            };
            (options.Certificate, options.ClientCertificateAuthorities) = LoadServerTls();
            var staticPath = StaticPath == null ? null : GetUnresolvedProviderPathFromPSPath(StaticPath);
            var scheme = options.Certificate == null ? "http" : "https";
            var target = $"{scheme}://{Core.Endpoints.Format(LocalAddress.ToString(), Port)}/";
            if (!ShouldProcess(target, $"Start an HTTP server with {routes.Count} route(s){(staticPath == null ? "" : " and the files of " + staticPath)}"))
                return;
            var router = LoadFile(() => new HttpServerRouter(HostName, staticPath), staticPath ?? target);
            HttpScriptBlockRoutes? scripts = null;
            try
            {
                if (routes.Count > 0)
                {
                    var module = MyInvocation.MyCommand.Module;
                    var manifest = module == null ? null : Path.Combine(module.ModuleBase, module.Name + ".psd1");
                    // In the foreground a route's errors are the command's; a background server has no stream to write to.
                    scripts = new HttpScriptBlockRoutes(routes.ConvertAll(r => r.Value), MaxRunspaces, Variable,
                        manifest != null && File.Exists(manifest) ? manifest : null, Wait ? error => Post(() => WriteError(error)) : (Action<ErrorRecord>?)null);
                    for (var i = 0; i < routes.Count; i++)
                    {
                        var handler = scripts.Handler(i);
                        try
                        {
                            router.Add(routes[i].Key, handler);
                        }
                        catch (InvalidNetworkRequestException e)
                        {
                            ThrowTerminatingError(ErrorMapping.ToErrorRecord(e, routes[i].Key));
                        }
                    }
                }
            }
            catch
            {
                scripts?.Dispose();
                throw;
            }
            options.Handler = router.HandleAsync;
            options.Owned = scripts;
            if (Wait)
                options.OnRequest = entry => PostObject(entry);
            // In the foreground the request log is the output, not the server.
            StartAndServe(() => HttpServerHost.Start(options), server => server,
                server => new ProgressRecord(1, $"HTTP server on {(server.Tls ? "https" : "http")}://{Core.Endpoints.Format(server.LocalAddress, server.LocalPort)}/",
                    $"{server.ConnectionsOpen} open, {server.Requests} requests, {server.ConnectionsFailed} failed connections (Ctrl+C stops)"),
                TimeSpan.FromSeconds(10), target, scripts, writeWhenWaiting: false);
        }
    }
}
