"""A client of our TCP servers, written with nothing but Python's socket module, so the server is judged by a peer
we did not write. Usage: server_client.py MODE HOST PORT [ARG]; prints one JSON object on stdout.

  zen       ask each known question and one unknown one, reading each answer up to '.' (the book's Zen client)
  lines     send ARG lines, read the echoed lines
  prefixed  send ARG frames with a 2-byte big-endian length prefix (the book's blocks.py), read them back
  upper     send ARG MiB of lines from one thread while another reads the reply (the book's deadlock example, solved)
  trickle   send one byte every 0.2 s, no newline, until the server closes; report how long that took
  oversized send ARG bytes without a newline; report whether the server closed the connection
"""
import json
import socket
import sys
import threading
import time

QUESTIONS = [b'Beautiful is better than?', b'Simple is better than?', b'Now is better than?', b'Tabs are better than?']


def connect(host, port):
    sock = socket.create_connection((host, port), timeout=30)
    return sock


def recv_until(sock, suffix):
    data = b''
    while not data.endswith(suffix):
        more = sock.recv(4096)
        if not more:
            raise EOFError('closed after %r' % data)
        data += more
    return data


def recv_exactly(sock, length):
    data = b''
    while len(data) < length:
        more = sock.recv(length - len(data))
        if not more:
            raise EOFError('closed after %d of %d bytes' % (len(data), length))
        data += more
    return data


def zen(sock, _):
    answers = []
    for question in QUESTIONS:
        sock.sendall(question)
        answers.append(recv_until(sock, b'.').decode('ascii'))
    return {'answers': answers}


def lines(sock, count):
    sent = [('line %d of the echo test' % i).encode('ascii') for i in range(int(count))]
    sock.sendall(b''.join(line + b'\r\n' for line in sent))
    # Lines come back with the line end they were sent with.
    received = recv_exactly(sock, sum(len(line) + 2 for line in sent))
    return {'same': received == b''.join(line + b'\r\n' for line in sent), 'lines': received.count(b'\n')}


def prefixed(sock, count):
    frames = [bytes(range(i % 256)) * (i + 1) for i in range(int(count))]
    for frame in frames:
        sock.sendall(len(frame).to_bytes(2, 'big') + frame)
    back = []
    for _ in frames:
        length = int.from_bytes(recv_exactly(sock, 2), 'big')
        back.append(recv_exactly(sock, length))
    return {'same': back == frames, 'frames': len(back)}


def upper(sock, mib):
    line = b'the quick brown fox jumps over the lazy dog, again and again ' * 16 + b'\n'
    total = int(mib) * 1024 * 1024 // len(line) * len(line)
    expected = line.upper()
    result = {'sent': 0, 'received': 0, 'same': True}

    def send():
        for _ in range(total // len(line)):
            sock.sendall(line)
            result['sent'] += len(line)
        sock.shutdown(socket.SHUT_WR)

    sender = threading.Thread(target=send)
    sender.start()
    pending = b''
    while True:
        data = sock.recv(256 * 1024)
        if not data:
            break
        result['received'] += len(data)
        pending += data
        whole = len(pending) // len(expected) * len(expected)
        if pending[:whole] != expected * (whole // len(expected)):
            result['same'] = False
        pending = pending[whole:]
    sender.join()
    result['same'] = result['same'] and pending == b''
    return result


def wait_closed(sock, send):
    start = time.monotonic()
    try:
        while True:
            if send is not None:
                send()
            sock.settimeout(0.2)
            try:
                if sock.recv(4096) == b'':
                    break
            except socket.timeout:
                if time.monotonic() - start > 20:
                    return {'closed': False, 'seconds': time.monotonic() - start}
    except (ConnectionResetError, BrokenPipeError):
        pass
    return {'closed': True, 'seconds': time.monotonic() - start}


def trickle(sock, _):
    return wait_closed(sock, lambda: sock.send(b'x'))


def oversized(sock, count):
    try:
        sock.sendall(b'y' * int(count))
    except (ConnectionResetError, BrokenPipeError):
        return {'closed': True, 'seconds': 0}
    return wait_closed(sock, None)


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    arg = sys.argv[4] if len(sys.argv) > 4 else None
    with connect(host, port) as sock:
        print(json.dumps(globals()[mode](sock, arg)), flush=True)


if __name__ == '__main__':
    main()
