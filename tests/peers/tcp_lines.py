"""A line server: greets with "HELLO\r\n", answers each line with it in upper case,
and says "BYE\r\n" and closes on QUIT."""
from tcp_common import serve


def lines(sock):
    sock.sendall(b'HELLO\r\n')
    reader = sock.makefile('rb')
    for line in reader:
        text = line.rstrip(b'\r\n')
        if text == b'QUIT':
            sock.sendall(b'BYE\r\n')
            return
        sock.sendall(text.upper() + b'\r\n')


serve(lines)
