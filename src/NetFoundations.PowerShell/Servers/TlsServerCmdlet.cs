using System;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;
using NetFoundations.Core.Tls;

namespace NetFoundations.PowerShell
{
    /// <summary>
    /// Base of the cmdlets that start a server on the module's server core (Start-TcpServer, Start-HttpServer,
    /// Start-RpcServer): the parameters they share (TLS, checked together and loaded once; the bounds on connections and
    /// scriptblocks; -Wait), and how a server is started and served in the foreground.
    /// </summary>
    public abstract class TlsServerCmdlet : PipelineCmdlet
    {
        private int? maxRunspaces;

        /// <summary>How long a connection may go without a whole request arriving or a reply being taken (slow and idle clients).</summary>
        [Parameter]
        [ValidateRange(0.01, 86400.0)]
        public double TimeoutSeconds { get; set; } = 30;

        /// <summary>Connections served at once; more wait in the listen queue.</summary>
        [Parameter]
        [ValidateRange(1, 100000)]
        public int MaxConnections { get; set; } = TcpServerOptions.DefaultMaxConnections;

        /// <summary>How many runs of the server's scriptblocks (requests, routes, methods) at once, at most: the runspaces of its pool.</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int MaxRunspaces
        {
            get => maxRunspaces ?? DefaultMaxRunspaces;
            set => maxRunspaces = value;
        }

        /// <summary>-MaxRunspaces when it is not given; each server's own.</summary>
        protected virtual int DefaultMaxRunspaces => Math.Max(2, Environment.ProcessorCount);

        /// <summary>Serve in the foreground until Ctrl+C (or -TotalTimeoutSeconds), then stop.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>With -Wait: stop after serving this long; 0 waits for Ctrl+C.</summary>
        [Parameter]
        [ValidateRange(0.0, 31536000.0)]
        public double TotalTimeoutSeconds { get; set; }

        /// <summary>The server's certificate: a PFX file, or PEM (with its key in the same file or in -CertificateKey). Clients then speak TLS.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Certificate { get; set; }

        /// <summary>The PEM private key of a PEM -Certificate, when it is in a file of its own.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateKey { get; set; }

        /// <summary>The password of a PFX -Certificate.</summary>
        [Parameter]
        public SecureString? CertificatePassword { get; set; }

        /// <summary>The TLS versions accepted; the system's defaults when not given.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public TlsVersion[]? TlsProtocol { get; set; }

        [Parameter]
        public ClientCertificateMode ClientCertificateMode { get; set; } = ClientCertificateMode.None;

        /// <summary>A PEM bundle of the CAs a client certificate must chain to; the system's store when not given.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CertificateAuthorityPath { get; set; }

        /// <summary>Ends the command when -TotalTimeoutSeconds is given without -Wait, or a TLS parameter without -Certificate.</summary>
        protected void CheckServerParameters()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(TotalTimeoutSeconds)) && !Wait)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException("-TotalTimeoutSeconds bounds a server run with -Wait."),
                    "TotalTimeoutWithoutWait", ErrorCategory.InvalidArgument, TotalTimeoutSeconds));
            if (Certificate == null && (CertificateKey != null || CertificatePassword != null || TlsProtocol != null
                    || ClientCertificateMode != ClientCertificateMode.None || CertificateAuthorityPath != null))
                ThrowTerminatingError(new ErrorRecord(new System.ArgumentException(
                        "-CertificateKey, -CertificatePassword, -TlsProtocol, -ClientCertificateMode and -CertificateAuthorityPath go with -Certificate."),
                    "CertificateKeyWithoutCertificate", ErrorCategory.InvalidArgument, null));
        }

        /// <summary>The server's certificate (null without -Certificate) and the CAs of client certificates, read from their files.</summary>
        protected (X509Certificate2? Certificate, X509Certificate2Collection? ClientAuthorities) LoadServerTls()
        {
            X509Certificate2? certificate = null;
            if (Certificate != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(Certificate);
                var keyPath = CertificateKey == null ? null : GetUnresolvedProviderPathFromPSPath(CertificateKey);
                certificate = LoadFile(() => TlsPem.LoadServerCertificate(path, keyPath, CertificatePassword), path);
            }
            X509Certificate2Collection? authorities = null;
            if (CertificateAuthorityPath != null)
            {
                var path = GetUnresolvedProviderPathFromPSPath(CertificateAuthorityPath);
                authorities = LoadFile(() => TlsPem.ReadCertificates(path), path);
            }
            return (certificate, authorities);
        }
    
        /// <summary>
        /// Starts a server (start runs off the pipeline thread, within startTimeout) and writes it (with -Wait only when
        /// writeWhenWaiting); with -Wait it then serves in the foreground, its counters as progress once a second, until
        /// -TotalTimeoutSeconds has passed since it started (quietly) or Ctrl+C, and stops it. Starting and serving are one
        /// Run: what the first requests post (a handler's errors, log entries) has the pipeline to go to, where between two
        /// Runs nothing would take it. owned is disposed when no server started; a started server owns it.
        /// </summary>
        protected void StartAndServe<TServer>(Func<TServer> start, Func<TServer, TcpServer> listener, Func<TServer, ProgressRecord> progress,
            TimeSpan startTimeout, object target, IDisposable? owned, bool writeWhenWaiting = true) where TServer : class
        {
            TServer? server = null;
            try
            {
                Run(async cancel =>
                {
                    server = start();
                    if (!Wait || writeWhenWaiting)
                        PostObject(server);
                    if (Wait)
                        await Serve(server, progress, cancel).ConfigureAwait(false);
                }, !Wait ? startTimeout : TotalTimeoutSeconds > 0 ? startTimeout + TimeSpan.FromSeconds(TotalTimeoutSeconds) : Timeout.InfiniteTimeSpan, target);
            }
            finally
            {
                if (server == null)
                    owned?.Dispose();
                else if (Wait)
                    TcpServerHost.StopAsync(listener(server)).Wait(TcpServerHost.StopBound + Grace);
            }
        }

        /// <summary>A foreground server: its progress once a second until -TotalTimeoutSeconds or Ctrl+C; the time running out ends it quietly.</summary>
        private async Task Serve<TServer>(TServer server, Func<TServer, ProgressRecord> progress, CancellationToken cancel)
        {
            using var serving = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            if (TotalTimeoutSeconds > 0)
                serving.CancelAfter(TimeSpan.FromSeconds(TotalTimeoutSeconds));
            try
            {
                while (true)
                {
                    PostProgress(progress(server));
                    await Task.Delay(TimeSpan.FromSeconds(1), serving.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!Stopping.IsCancellationRequested)
            {
            }
        }
    }
}
