using System.Collections.Generic;

namespace NetFoundations.Core.Caching
{
    /// <summary>One server's share of the keys under one algorithm.</summary>
    public sealed class KeyDistributionShare
    {
        internal KeyDistributionShare(string server, int keys, double percent)
        {
            Server = server;
            Keys = keys;
            Percent = percent;
        }

        public string Server { get; }
        public int Keys { get; }
        public double Percent { get; }

        public override string ToString() => $"{Server} {Percent:0.0}%";
    }

    /// <summary>How one algorithm spreads a set of keys over servers, and how many move when the server list changes.</summary>
    public sealed class KeyDistributionReport
    {
        internal KeyDistributionReport(KeyDistribution algorithm, int keyCount, IReadOnlyList<KeyDistributionShare> shares,
            IReadOnlyList<string>? changedServers, int? movedKeys)
        {
            Algorithm = algorithm;
            KeyCount = keyCount;
            Shares = shares;
            ChangedServers = changedServers;
            MovedKeys = movedKeys;
        }

        public KeyDistribution Algorithm { get; }
        /// <summary>How many distinct keys were placed.</summary>
        public int KeyCount { get; }
        /// <summary>Each server's share, in the order of the server list.</summary>
        public IReadOnlyList<KeyDistributionShare> Shares { get; }
        /// <summary>The server list after the change (-AddServer, -RemoveServer), or null when none was asked.</summary>
        public IReadOnlyList<string>? ChangedServers { get; }
        /// <summary>Keys whose server differs after the change.</summary>
        public int? MovedKeys { get; }
        /// <summary>MovedKeys as a percentage of KeyCount.</summary>
        public double? MovedPercent => MovedKeys.HasValue && KeyCount > 0 ? 100.0 * MovedKeys.Value / KeyCount : (double?)null;
        /// <summary>The largest share divided by the fair one (1 is perfectly even).</summary>
        public double Imbalance
        {
            get
            {
                if (KeyCount == 0 || Shares.Count == 0)
                    return 0;
                var most = 0;
                foreach (var share in Shares)
                    most = share.Keys > most ? share.Keys : most;
                return most * (double)Shares.Count / KeyCount;
            }
        }

        public override string ToString() => Algorithm.ToString();
    }
}
