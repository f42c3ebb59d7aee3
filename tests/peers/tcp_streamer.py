"""The book's streamer.py server: reads until the client shuts down its sending side,
then answers "RECEIVED <n>\n" and closes. Also the sink of the bulk-transfer benchmark."""
from tcp_common import serve


def streamer(sock):
    total = 0
    buffer = bytearray(1024 * 1024)
    while True:
        count = sock.recv_into(buffer)
        if not count:
            break
        total += count
    sock.sendall(b'RECEIVED %d\n' % total)


serve(streamer)
