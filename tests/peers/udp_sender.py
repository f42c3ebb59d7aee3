#!/usr/bin/env python3
"""Sends each MESSAGE as one datagram to HOST PORT, from one socket, and with --replies waits
up to --wait seconds for a reply to each, printing 'REPLY <text>' or 'NOREPLY' per message,
then 'DONE'. With --when-bound it first waits (up to 30 s) until something has bound PORT (Linux),
so it can be started before the receiver under test. The judge of Receive-UdpDatagram and UdpReceiver: Python's own socket module."""
import argparse
import socket
import time


def wait_until_bound(port):
    """Watches Linux's socket tables rather than binding a probe, which could race the receiver's bind."""
    suffix = ':%04X' % port
    for _ in range(300):
        for table in ('/proc/net/udp', '/proc/net/udp6'):
            with open(table) as lines:
                if any(line.split()[1].endswith(suffix) for line in list(lines)[1:]):
                    return
        time.sleep(0.1)
    raise SystemExit('nothing bound port %d' % port)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('messages', nargs='+')
    parser.add_argument('--replies', action='store_true')
    parser.add_argument('--wait', type=float, default=5.0)
    parser.add_argument('--when-bound', action='store_true')
    args = parser.parse_args()

    family = socket.AF_INET6 if ':' in args.host else socket.AF_INET
    if args.when_bound:
        wait_until_bound(args.port)
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.settimeout(args.wait)
    for message in args.messages:
        sock.sendto(message.encode('utf-8'), (args.host, args.port))
        if args.replies:
            try:
                data, _ = sock.recvfrom(65535)
                print('REPLY ' + data.decode('utf-8', 'replace'), flush=True)
            except socket.timeout:
                print('NOREPLY', flush=True)
    print('DONE', flush=True)


if __name__ == '__main__':
    main()
