using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core
{
    /// <summary>
    /// A stream over a network connection's stream that passes everything through: a base for the
    /// wrappers that watch or add to what goes by. A connection has no length or position; CanSeek is
    /// false, so callers do not ask for them.
    /// </summary>
    internal abstract class WrappingStream : Stream
    {
        protected WrappingStream(Stream inner) => Inner = inner;

        protected Stream Inner { get; }

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override bool CanTimeout => Inner.CanTimeout;

        public override int ReadTimeout
        {
            get => Inner.ReadTimeout;
            set => Inner.ReadTimeout = value;
        }

        public override int WriteTimeout
        {
            get => Inner.WriteTimeout;
            set => Inner.WriteTimeout = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => Inner.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => Inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => Inner.FlushAsync(cancellationToken);

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                Inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
