using System;

namespace NetFoundations.Core.Servers
{
    /// <summary>
    /// Latencies in microseconds, in a fixed array of log-linear buckets (HdrHistogram's layout): values below
    /// 2^SubBucketBits are kept exactly; above, each power of two is cut into 2^(SubBucketBits-1) equal buckets, so a
    /// percentile is within 1/2^(SubBucketBits-1) (0.8 %) of the true value, whatever the count of values, in a few
    /// kilobytes. Count, sum, minimum and maximum are exact. Not thread-safe: one per connection, merged with Add.
    /// </summary>
    internal sealed class LatencyHistogram
    {
        private const int SubBucketBits = 8;
        private const int SubBuckets = 1 << SubBucketBits;
        private const int HalfSubBuckets = SubBuckets / 2;

        /// <summary>Larger values (an hour and more) are recorded as this; the maximum stays exact.</summary>
        public const long HighestTrackable = (1L << 40) - 1;

        private static readonly int BucketCount = IndexOf(HighestTrackable) + 1;

        private readonly long[] counts = new long[BucketCount];

        public long Count { get; private set; }
        public long Sum { get; private set; }
        public long Min { get; private set; } = long.MaxValue;
        public long Max { get; private set; }

        public double Mean => Count == 0 ? 0 : (double)Sum / Count;

        public void Record(long micros)
        {
            if (micros < 0)
                micros = 0;
            counts[IndexOf(Math.Min(micros, HighestTrackable))]++;
            Count++;
            Sum += micros;
            if (micros < Min)
                Min = micros;
            if (micros > Max)
                Max = micros;
        }

        public void Add(LatencyHistogram other)
        {
            if (other.Count == 0)
                return;
            for (var i = 0; i < counts.Length; i++)
                counts[i] += other.counts[i];
            Count += other.Count;
            Sum += other.Sum;
            Min = Math.Min(Min, other.Min);
            Max = Math.Max(Max, other.Max);
        }

        /// <summary>
        /// The value at or below which percentile % of the values lie (the nearest-rank definition: the smallest value
        /// v with at least ceil(percentile/100 × Count) values ≤ v), as the highest value of its bucket, within the exact
        /// minimum and maximum. 0 when empty.
        /// </summary>
        public long Percentile(double percentile)
        {
            if (Count == 0)
                return 0;
            if (percentile <= 0)
                return Min;
            if (percentile >= 100)
                return Max;
            var rank = (long)Math.Ceiling(percentile / 100 * Count);
            if (rank < 1)
                rank = 1;
            long seen = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                seen += counts[i];
                if (seen >= rank)
                    return Math.Max(Min, Math.Min(Max, HighestIn(i)));
            }
            return Max;
        }

        /// <summary>The bucket of a value: exact below 2^SubBucketBits, then HalfSubBuckets buckets per power of two.</summary>
        internal static int IndexOf(long value)
        {
            if (value < SubBuckets)
                return (int)value;
            var magnitude = HighestBit(value) - SubBucketBits + 1;
            return magnitude * HalfSubBuckets + (int)(value >> magnitude);
        }

        /// <summary>The largest value that falls in bucket index.</summary>
        internal static long HighestIn(int index)
        {
            if (index < SubBuckets)
                return index;
            var magnitude = index / HalfSubBuckets - 1;
            var sub = (long)(index - magnitude * HalfSubBuckets);
            // index = magnitude * Half + sub with sub in [Half, 2·Half): the division above overshoots by one.
            return ((sub + 1) << magnitude) - 1;
        }

        private static int HighestBit(long value)
        {
            var bit = 0;
            while ((value >>= 1) != 0)
                bit++;
            return bit;
        }
    }
}
