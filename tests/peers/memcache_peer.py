#!/usr/bin/python3
"""pymemcache (Debian's python3-pymemcache) with its defaults, as the independent memcached client.

  memcache_peer.py set HOST:PORT KEY TEXT         store TEXT as UTF-8 (flags 0; pymemcache's default encoding
                                                  is ASCII, so text beyond it is given to it as bytes)
  memcache_peer.py set-hex HOST:PORT KEY HEX      store the bytes HEX
  memcache_peer.py get HOST:PORT KEY              print the stored bytes as hex (MISS when absent)
  memcache_peer.py node SERVERS KEY...            print, per key, the server pymemcache's HashClient chooses
                                                  (SERVERS: host:port,host:port)
Run with /usr/bin/python3: Debian's modules are visible to it only.
"""
import sys

from pymemcache.client.base import Client
from pymemcache.client.rendezvous import RendezvousHash


def client(server):
    host, port = server.rsplit(':', 1)
    return Client((host, int(port)), connect_timeout=5, timeout=5)


def main(args):
    command = args[0]
    if command == 'set':
        client(args[1]).set(args[2], args[3].encode('utf-8'), noreply=False)
    elif command == 'set-hex':
        client(args[1]).set(args[2], bytes.fromhex(args[3]), noreply=False)
    elif command == 'get':
        # The raw flags and bytes: pymemcache's default deserializer hands back the bytes as stored.
        value = client(args[1]).get(args[2])
        print('MISS' if value is None else value.hex())
    elif command == 'node':
        hasher = RendezvousHash()
        for server in args[1].split(','):
            hasher.add_node(server)
        for key in args[2:]:
            print(hasher.get_node(key))
    else:
        raise SystemExit('unknown command ' + command)


if __name__ == '__main__':
    main(sys.argv[1:])
