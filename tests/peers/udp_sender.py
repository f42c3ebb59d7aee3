#!/usr/bin/env python3
"""Sends each MESSAGE as one datagram to HOST PORT, from one socket, and with --replies waits
up to --wait seconds for a reply to each, printing 'REPLY <text>' or 'NOREPLY' per message,
then 'DONE'. The judge of Receive-UdpDatagram and UdpReceiver: Python's own socket module."""
import argparse
import socket


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('messages', nargs='+')
    parser.add_argument('--replies', action='store_true')
    parser.add_argument('--wait', type=float, default=5.0)
    args = parser.parse_args()

    family = socket.AF_INET6 if ':' in args.host else socket.AF_INET
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
