"""Shared by the tcp_*.py test peers: listen on 127.0.0.1 (or the host a peer is given) on an ephemeral port, print
"PORT <n>" on stdout, and serve each connection on its own thread until killed."""
import socket
import sys
import threading


def serve(handle, host='127.0.0.1'):
    listener = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, 0))
    listener.listen(128)
    print('PORT', listener.getsockname()[1], flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=run, args=(handle, connection), daemon=True).start()


def run(handle, connection):
    try:
        with connection:
            handle(connection)
    except (ConnectionResetError, BrokenPipeError):
        pass  # the client may hang up whenever it has heard enough
    except OSError as error:
        print('peer:', error, file=sys.stderr, flush=True)


def recv_exactly(sock, length):
    data = b''
    while len(data) < length:
        more = sock.recv(length - len(data))
        if not more:
            raise EOFError('the client closed inside a block')
        data += more
    return data
