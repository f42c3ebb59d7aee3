using System;
using System.Collections.Generic;
using System.Threading;

namespace NetFoundations.Core.Dns
{
    /// <summary>
    /// Names handed to DnsResolver.LookupManyAsync while it runs, such as a pipeline's input as it
    /// comes. Complete says no more will come; the lookups end once the last name is answered.
    /// </summary>
    public sealed class DnsNameFeed
    {
        private readonly Queue<string> names = new Queue<string>();
        private bool completed;

        public DnsNameFeed()
        {
        }

        /// <summary>A feed of these names, complete.</summary>
        public DnsNameFeed(IEnumerable<string> all)
        {
            foreach (var name in all)
                names.Enqueue(name);
            completed = true;
        }

        public void Add(string name)
        {
            lock (names)
            {
                if (completed)
                    throw new InvalidOperationException("The feed is complete: no names can be added.");
                names.Enqueue(name);
                if (names.Count == 1)
                    Monitor.PulseAll(names);
            }
        }

        public void Complete()
        {
            lock (names)
            {
                completed = true;
                Monitor.PulseAll(names);
            }
        }

        /// <summary>The next name, if one is there now.</summary>
        internal bool TryTake(out string name)
        {
            lock (names)
            {
                if (names.Count == 0)
                {
                    name = string.Empty;
                    return false;
                }
                name = names.Dequeue();
                return true;
            }
        }

        /// <summary>True when no name is there and none will come.</summary>
        internal bool Ended
        {
            get
            {
                lock (names)
                    return completed && names.Count == 0;
            }
        }

        /// <summary>Waits at most wait for a name to come or the feed to complete.</summary>
        internal void Wait(TimeSpan wait)
        {
            lock (names)
            {
                if (names.Count == 0 && !completed)
                    Monitor.Wait(names, wait);
            }
        }
    }
}
