"""Echoes every byte as soon as it arrives, until the client closes: the peer of the book's
tcp_deadlock.py, which deadlocks a client that sends everything before it reads.
Usage: tcp_echo.py [ADDRESS]   (127.0.0.1 by default; ::1 listens on IPv6 only)"""
import sys

from tcp_common import serve


def echo(sock):
    while True:
        data = sock.recv(65536)
        if not data:
            return
        sock.sendall(data)


serve(echo, sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1')
