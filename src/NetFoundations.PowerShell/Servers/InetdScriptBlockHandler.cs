using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NetFoundations.Core.Servers;

namespace NetFoundations.PowerShell.Servers
{
    /// <summary>
    /// A scriptblock as an inetd-style command, run in the server's bounded pool of runspaces. Nowait: per connection,
    /// the lines the client sends are its pipeline input ($input), and each object it outputs goes back as a line as
    /// soon as it is output. Wait: it runs when a client is waiting, with the listening socket as $Listener, and
    /// accepts clients itself.
    /// </summary>
    internal sealed class InetdScriptBlockHandler : IInetdTextHandler, IDisposable
    {
        /// <summary>Lines received and not yet taken by the scriptblock; the client is not read further meanwhile.</summary>
        private const int MaxPendingLines = 1000;

        private readonly ScriptBlockPool pool;

        public InetdScriptBlockHandler(ScriptBlockPool pool, string description)
        {
            this.pool = pool;
            Description = description;
        }

        public string Description { get; }

        public IInetdTextRun Start(InetdTextConnection connection, CancellationToken cancel)
        {
            var input = new PSDataCollection<PSObject>();
            var output = new PSDataCollection<PSObject>();
            output.DataAdded += (_, __) =>
            {
                // Sent from the scriptblock's own thread as it outputs, so a client that does not read holds the scriptblock.
                foreach (var item in output.ReadAll())
                    connection.SendLine(item?.ToString() ?? "");
            };
            var variables = new Dictionary<string, object?>
            {
                ["Connection"] = connection.Client,
            };
            var completion = pool.InvokeAsync(variables, input, output, cancel);
            return new Run(input, completion);
        }

        public Task ServeListenerAsync(Socket listener, CancellationToken cancel) =>
            pool.InvokeAsync(new Dictionary<string, object?> { ["Listener"] = listener }, null, new PSDataCollection<PSObject>(), cancel);

        public void Dispose() => pool.Dispose();

        private sealed class Run : IInetdTextRun
        {
            private readonly PSDataCollection<PSObject> input;

            public Run(PSDataCollection<PSObject> input, Task completion)
            {
                this.input = input;
                Completion = completion;
            }

            public Task Completion { get; }

            public async Task AddAsync(string line, CancellationToken cancel)
            {
                while (input.Count >= MaxPendingLines && !Completion.IsCompleted)
                    await Task.Delay(10, cancel).ConfigureAwait(false);
                if (!Completion.IsCompleted)
                    input.Add(new PSObject(line));
            }

            public void Complete() => input.Complete();
        }
    }
}
