"""A TLS client of our TCP servers, written with nothing but Python's ssl and socket modules, so the server's TLS is
judged by a peer we did not write. It verifies the server against CAFILE for NAME, sends COUNT lines, reads them back.

Usage: tls_server_client.py HOST PORT CAFILE NAME COUNT [--cert PEM] [--version TLSv1_2|TLSv1_3]
Prints one JSON object: {"ok": true, "version", "cipher", "same", "lines"} or {"ok": false, "stage", "error"}.
"""
import argparse
import json
import socket
import ssl
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('cafile')
    parser.add_argument('name')
    parser.add_argument('count', type=int)
    parser.add_argument('--cert')
    parser.add_argument('--version')
    args = parser.parse_args()

    context = ssl.create_default_context(cafile=args.cafile)
    if args.cert:
        context.load_cert_chain(args.cert)
    if args.version:
        version = getattr(ssl.TLSVersion, args.version)
        context.minimum_version = version
        context.maximum_version = version

    stage = 'connect'
    try:
        with socket.create_connection((args.host, args.port), timeout=30) as raw:
            stage = 'handshake'
            with context.wrap_socket(raw, server_hostname=args.name) as sock:
                stage = 'echo'
                sent = [('line %d over TLS' % i).encode('ascii') for i in range(args.count)]
                sock.sendall(b''.join(line + b'\n' for line in sent))
                expected = b''.join(line + b'\n' for line in sent)
                received = b''
                while len(received) < len(expected):
                    more = sock.recv(65536)
                    if not more:
                        raise EOFError('the server closed after %d of %d bytes' % (len(received), len(expected)))
                    received += more
                result = {'ok': True, 'version': sock.version(), 'cipher': sock.cipher()[0],
                          'same': received == expected, 'lines': received.count(b'\n')}
                stage = 'close'
                sock.unwrap()
    except (OSError, EOFError) as e:
        if stage == 'close':
            result['closeError'] = str(e)
        else:
            result = {'ok': False, 'stage': stage, 'error': str(e)}
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
