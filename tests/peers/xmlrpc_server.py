"""The book's XML-RPC server (ch18 xmlrpc_server.py: addtogether, quadratic, remote_repr, with introspection and
multicall), plus methods that exercise every XML-RPC type: echo, a 64-bit value, dates, binary, None and a Fault.
Prints its port on its first line. Usage: xmlrpc_server.py [--no-multicall] [--keep-alive] [--tls CERTIFICATE KEY]
--keep-alive answers in HTTP/1.1 and keeps connections open (the benches'), where the default closes each after its reply."""
import datetime
import math
import sys
import operator
import ssl
from functools import reduce
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler
from xmlrpc.client import Fault

multicall = '--no-multicall' not in sys.argv


def addtogether(*things):
    """Add together everything in the list `things`."""
    return reduce(operator.add, things)


def quadratic(a, b, c):
    """Determine `x` values satisfying: `a` * x*x + `b` * x + c == 0"""
    b24ac = math.sqrt(b*b - 4.0*a*c)
    return list(set([(-b-b24ac) / 2.0*a, (-b+b24ac) / 2.0*a]))


def remote_repr(arg):
    """Return the `repr()` rendering of the supplied `arg`."""
    return arg


def echo(*args):
    """Return, for each argument, Python's repr() of it and its type's name: what the server received."""
    return [[repr(arg), type(arg).__name__] for arg in args]


def big():
    """Return 2**40, which Python's marshaller refuses: the client sees a Fault."""
    return 2**40


def when():
    """Return a fixed date and time."""
    return datetime.datetime(2026, 12, 6, 4, 51, 55)


def blob(length):
    """Return `length` bytes 0, 1, 2 ... as base64."""
    return bytes(i % 256 for i in range(length))


def nothing():
    """Return None (sent as <nil/>: the server allows it)."""
    return None


def fail(code, text):
    """Raise a Fault with the code and text given."""
    raise Fault(code, text)


if '--keep-alive' in sys.argv:
    SimpleXMLRPCRequestHandler.protocol_version = 'HTTP/1.1'
server = SimpleXMLRPCServer(('127.0.0.1', 0), logRequests=False, allow_none=True, use_builtin_types=True)
server.register_introspection_functions()
if multicall:
    server.register_multicall_functions()
for function in (addtogether, quadratic, remote_repr, echo, big, when, blob, nothing, fail):
    server.register_function(function)
if '--tls' in sys.argv:
    at = sys.argv.index('--tls')
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[at + 1], sys.argv[at + 2])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print('PORT', server.server_address[1], flush=True)
server.serve_forever()
