using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;

namespace NetFoundations.Core.Ssh
{
    /// <summary>Fetches a server's host keys without logging in, as ssh-keyscan does: one key exchange per key type.</summary>
    public static class SshHostKeyScanner
    {
        public static readonly IReadOnlyList<string> AllKeyTypes = new[]
        {
            "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
        };

        /// <summary>Returns the server's key of each asked type it has; fails when it has none of them.</summary>
        /// <param name="addresses">Where to connect instead of resolving computerName (Endpoints.AddressesAsync); null to resolve it.</param>
        public static async Task<IReadOnlyList<SshHostKey>> GetAsync(string computerName, IReadOnlyList<IPAddress>? addresses, int port,
            IReadOnlyCollection<string>? keyTypes, TimeSpan timeout, Transcript transcript, CancellationToken cancellationToken)
        {
            var types = keyTypes == null || keyTypes.Count == 0 ? AllKeyTypes : keyTypes.ToList();
            var unknown = types.Where(t => !AllKeyTypes.Contains(t)).ToList();
            if (unknown.Count > 0)
                throw new ArgumentException($"Unknown key type {string.Join(", ", unknown)}: use {string.Join(", ", AllKeyTypes)}.", nameof(keyTypes));
            var options = new SshConnectionOptions(computerName, port, new NetworkCredential("keyscan", string.Empty)) { ConnectTimeout = timeout };
            var address = (await Endpoints.AddressesAsync(computerName, addresses, timeout, cancellationToken).ConfigureAwait(false))[0].ToString();

            var scans = types.Select(type => ScanAsync(options, address, type, transcript, cancellationToken)).ToList();
            var outcomes = new List<(SshHostKey? Key, Exception? Error)>();
            foreach (var scan in scans)
            {
                try { outcomes.Add((await scan.ConfigureAwait(false), null)); }
                catch (Exception e) when (!(e is OperationCanceledException)) { outcomes.Add((null, e)); }
            }
            var keys = outcomes.Where(o => o.Key != null).Select(o => o.Key!).ToList();
            if (keys.Count > 0)
                return keys;
            // No key at all: the first real failure (refused, timeout …) says why, also in the transcript.
            var failure = outcomes.Select(o => o.Error).FirstOrDefault(e => !(e is ConnectionLostException)) ?? outcomes[0].Error
                  ?? new ProtocolViolationException($"{options.Target} offered no host key.", options.Target);
            transcript.ClientError(failure.Message);
            throw failure;
        }

        private static async Task<SshHostKey?> ScanAsync(SshConnectionOptions options, string address, string keyType, Transcript transcript, CancellationToken cancellationToken)
        {
            var info = new ConnectionInfo(address, options.Port, "keyscan", new NoneAuthenticationMethod("keyscan")) { Timeout = options.ConnectTimeout };
            foreach (var algorithm in info.HostKeyAlgorithms.Keys.Where(a => SshConnection.KeyTypeOf(a) != keyType).ToList())
                info.HostKeyAlgorithms.Remove(algorithm);
            if (info.HostKeyAlgorithms.Count == 0)
                return null;
            SshHostKey? key = null;
            using var client = new SshClient(info);
            client.HostKeyReceived += (_, e) =>
            {
                key = new SshHostKey(options.ComputerName, options.Port, e.HostKey);
                transcript.Note($"host key {key.KeyType} {key.FingerprintSHA256}");
                e.CanTrust = false;
            };
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                limit.CancelAfter(options.ConnectTimeout);
                using (limit.Token.Register(client.Dispose))
                    await client.ConnectAsync(limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (key == null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (e is OperationCanceledException || e is ObjectDisposedException)
                    throw new NetworkTimeoutException($"{options.Target} sent no {keyType} host key within {options.ConnectTimeout.TotalSeconds:0.###} s.", options.Target, e);
                throw SshErrors.Translate(e, options.Target);
            }
            catch (Exception)
            {
                // The refusal of the key after it was read is how a scan ends.
            }
            return key;
        }

    }
}
