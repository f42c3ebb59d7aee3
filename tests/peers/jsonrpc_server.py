"""A JSON-RPC 2.0 server on Debian's python3-jsonrpclib-pelix: the book's `lengths` (ch18 jsonrpc_server.py), plus
add, named params, an error with data, and notifications it counts (`notified` returns what it was sent).
Prints its port on its first line."""
import os
import sys

try:
    from jsonrpclib.SimpleJSONRPCServer import SimpleJSONRPCServer
except ImportError:
    # Debian's python3-jsonrpclib-pelix is visible to the system's Python only (not to a pyenv one first on PATH).
    if sys.executable != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)
    raise

from jsonrpclib.jsonrpc import Fault
import jsonrpclib.config

notes = []


def lengths(*args):
    """Measure the length of each input argument (the book's example)."""
    results = []
    for arg in args:
        try:
            arglen = len(arg)
        except TypeError:
            arglen = None
        results.append((arglen, arg))
    return results


def add(a, b):
    return a + b


def greet(name, greeting='Hello'):
    return '%s, %s!' % (greeting, name)


def note(text):
    notes.append(text)


def notified():
    return notes


def fail(code, message):
    # jsonrpclib sends a Fault the method returns as the error object, data included.
    return Fault(code, message, data={'why': 'asked to fail', 'code': code})


config = jsonrpclib.config.Config(version=2.0)
server = SimpleJSONRPCServer(('127.0.0.1', 0), logRequests=False, config=config)
for function in (lengths, add, greet, note, notified, fail):
    server.register_function(function)
print('PORT', server.server_address[1], flush=True)
server.serve_forever()
