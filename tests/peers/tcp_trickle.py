"""A hostile peer that sends one byte every 0.2 s, never a line end, for at most 10 minutes: each byte is progress,
so only a deadline on the whole conversation ends it."""
import time

from tcp_common import serve


def trickle(sock):
    for _ in range(3000):
        sock.sendall(b'x')
        time.sleep(0.2)


serve(trickle)
