"""The book's blocks.py server, answering: reads length-prefixed blocks (big-endian, 4 bytes,
or 2 with --prefix 2) until an empty block or the end of the stream, then sends each block
back in upper case, framed the same way, then an empty block, and closes."""
import socket
import struct
import sys
from tcp_common import serve, recv_exactly

FORMAT = '!H' if '--prefix' in sys.argv and sys.argv[sys.argv.index('--prefix') + 1] == '2' else '!I'
SIZE = struct.calcsize(FORMAT)


def blocks(sock):
    received = []
    while True:
        header = sock.recv(SIZE, socket.MSG_WAITALL)
        if len(header) < SIZE:
            break
        (length,) = struct.unpack(FORMAT, header)
        if length == 0:
            break
        received.append(recv_exactly(sock, length))
    for block in received + [b'']:
        sock.sendall(struct.pack(FORMAT, len(block)) + block.upper())


serve(blocks)
