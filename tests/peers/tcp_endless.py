"""A peer that sends without end (bounded at 1 GiB) until the client closes."""
from tcp_common import serve

CHUNK = b'x' * 65536


def endless(sock):
    for _ in range(16384):
        sock.sendall(CHUNK)


serve(endless)
