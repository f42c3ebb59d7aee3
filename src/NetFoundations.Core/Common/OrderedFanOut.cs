using System;
using System.Collections.Generic;
using System.Threading;

namespace NetFoundations.Core
{
    /// <summary>
    /// The bookkeeping of an ordered fan-out: inputs are numbered as their work starts, at most Limit
    /// are running at a time, and results are handed on in input order whatever order they finish in
    /// (a slow input holds back the results after it, not the work). The caller runs the work the way
    /// that suits it — non-blocking sockets on a few threads, one UDP socket on one thread, tasks —
    /// so the fan-out itself costs no task and, once its buffer has grown, no allocation per input.
    /// TryStart and Finish may be called from any thread.
    /// </summary>
    internal sealed class OrderedFanOut<T>
    {
        private readonly Action<IReadOnlyList<T>> onResults;
        private readonly int count;
        private readonly CancellationToken cancellationToken;
        private readonly object gate = new object();
        private readonly List<T> run = new List<T>();
        // Never disposed: without its WaitHandle asked for, it holds nothing to release.
        private readonly ManualResetEventSlim room = new ManualResetEventSlim(true);
        // Results that finished before an earlier one, by index modulo the length (a power of two).
        private T[] held = new T[16];
        private bool[] isHeld = new bool[16];
        private int next = -1;
        private int handedOn;
        private int running;
        private int finished;
        private volatile bool stopped;

        /// <param name="limit">How many inputs may be running at once.</param>
        /// <param name="onResults">
        /// Gets each run of results that are next in input order, under a lock and in order; the list is
        /// reused once it returns, so a callee that keeps the results copies them.
        /// </param>
        /// <param name="count">How many inputs there are, when that is known: TryStart says no after the last.</param>
        /// <param name="cancellationToken">Once cancelled, TryStart says no (the work running may still finish).</param>
        public OrderedFanOut(int limit, Action<IReadOnlyList<T>> onResults, int count = int.MaxValue, CancellationToken cancellationToken = default)
        {
            if (limit < 1)
                throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be at least 1.");
            Limit = limit;
            this.onResults = onResults ?? throw new ArgumentNullException(nameof(onResults));
            this.count = count;
            this.cancellationToken = cancellationToken;
        }

        public int Limit { get; }

        /// <summary>Inputs started and not finished.</summary>
        public int Running => Volatile.Read(ref running);

        public int Finished => Volatile.Read(ref finished);

        public bool HasRoom => Running < Limit;

        /// <summary>True once Stop was called or the token cancelled.</summary>
        public bool Stopped => stopped || cancellationToken.IsCancellationRequested;

        /// <summary>
        /// Counts one more input as running and returns its index (0, 1, 2 … in the order of the calls);
        /// -1 when Limit are running, all count inputs have started, or the fan-out is stopped.
        /// </summary>
        public int TryStart()
        {
            if (Stopped)
                return -1;
            int now;
            do
            {
                now = Volatile.Read(ref running);
                if (now >= Limit)
                    return -1;
            }
            while (Interlocked.CompareExchange(ref running, now + 1, now) != now);
            var index = Interlocked.Increment(ref next);
            if (index < count)
                return index;
            // Past the last input (next keeps counting, which is harmless): the place is given back.
            Interlocked.Decrement(ref running);
            return -1;
        }

        /// <summary>Stores the result of input index and hands on every result that is now next in order.</summary>
        public void Finish(int index, T result)
        {
            lock (gate)
            {
                if (index != handedOn)
                {
                    Hold(index, result);
                }
                else
                {
                    run.Add(result);
                    var mask = held.Length - 1;
                    for (handedOn++; isHeld[handedOn & mask]; handedOn++)
                    {
                        run.Add(held[handedOn & mask]);
                        held[handedOn & mask] = default!;
                        isHeld[handedOn & mask] = false;
                    }
                    try
                    {
                        onResults(run);
                    }
                    finally
                    {
                        run.Clear();
                    }
                }
            }
            Interlocked.Increment(ref finished);
            // Only a fan-out that was full has someone to wake.
            if (Interlocked.Decrement(ref running) == Limit - 1)
                room.Set();
        }

        /// <summary>Waits at most wait for a running input to finish when Limit are running; true when there is room.</summary>
        public bool WaitForRoom(TimeSpan wait)
        {
            if (HasRoom)
                return true;
            room.Reset();
            // A Finish between the check above and the reset would go unheard: look again.
            if (!HasRoom)
                room.Wait(wait);
            return HasRoom;
        }

        /// <summary>Makes TryStart say no from now on, as when one input's failure ends them all.</summary>
        public void Stop() => stopped = true;

        private void Hold(int index, T result)
        {
            var distance = index - handedOn;
            if (distance < 0)
                throw new ArgumentException($"Input {index} was finished twice.", nameof(index));
            if (distance >= held.Length)
                Grow(distance);
            var slot = index & (held.Length - 1);
            if (isHeld[slot])
                throw new ArgumentException($"Input {index} was finished twice.", nameof(index));
            held[slot] = result;
            isHeld[slot] = true;
        }

        /// <summary>Doubles the buffer until it holds distance places past the next result; the held ones keep their index.</summary>
        private void Grow(int distance)
        {
            var length = held.Length;
            while (length <= distance)
            {
                if (length >= 1 << 30)
                    throw new InvalidOperationException($"More than {length} results are held back.");
                length <<= 1;
            }
            var newHeld = new T[length];
            var newIsHeld = new bool[length];
            var oldMask = held.Length - 1;
            for (var i = handedOn; i < handedOn + held.Length; i++)
            {
                newHeld[i & (length - 1)] = held[i & oldMask];
                newIsHeld[i & (length - 1)] = isHeld[i & oldMask];
            }
            held = newHeld;
            isHeld = newIsHeld;
        }
    }
}
