#!/usr/bin/env python3
"""A UDP peer for tests: binds an ephemeral port, prints it on the first line of stdout, then
answers datagrams the way --mode says, until killed or until stdin closes.

  echo            reply with the same bytes, from the bound socket (the book's server)
  stranger        reply only from a second socket (another port, or --stranger-host):
                  a client that checks who answers must ignore it
  stranger-first  send a decoy from the second socket, then the real reply
  silent          read datagrams and never answer

--drop N ignores the first N datagrams (to see a client retransmit).
--stranger-host ADDR binds the second socket on ADDR with the same port as the first.
--until-killed leaves stdin alone, for a parent that cannot hold a pipe open (PowerShell's Start-Process).
"""
import argparse
import socket
import sys
import threading
import os


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--mode', default='echo', choices=['echo', 'stranger', 'stranger-first', 'silent'])
    parser.add_argument('--drop', type=int, default=0)
    parser.add_argument('--stranger-host')
    parser.add_argument('--until-killed', action='store_true')
    args = parser.parse_args()

    family = socket.AF_INET6 if ':' in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((args.host, 0))
    port = sock.getsockname()[1]
    stranger = socket.socket(family, socket.SOCK_DGRAM)
    stranger.bind((args.stranger_host, port) if args.stranger_host else (args.host, 0))

    print(port, flush=True)
    if not args.until_killed:
        threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    threading.Timer(300, lambda: os._exit(0)).start()  # never outlive a test run

    seen = 0
    while True:
        data, address = sock.recvfrom(65535)
        seen += 1
        if seen <= args.drop or args.mode == 'silent':
            continue
        if args.mode in ('stranger', 'stranger-first'):
            stranger.sendto(b'stranger: ' + data, address)
        if args.mode in ('echo', 'stranger-first'):
            sock.sendto(data, address)


if __name__ == '__main__':
    main()
