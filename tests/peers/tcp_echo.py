"""Echoes every byte as soon as it arrives, until the client closes: the peer of the book's
tcp_deadlock.py, which deadlocks a client that sends everything before it reads."""
from tcp_common import serve


def echo(sock):
    while True:
        data = sock.recv(65536)
        if not data:
            return
        sock.sendall(data)


serve(echo)
