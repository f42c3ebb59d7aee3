"""Python's own RPC clients against our RPC server (Start-RpcServer), so the server is judged by peers we did not
write: xmlrpc.client (the standard library's) and Debian's python3-jsonrpclib-pelix. Usage:
rpc_server_client.py xml|json|load URL [ARG]; prints one JSON object of what the client saw, then DONE.

The server under test offers: add(a, b), echo(value) (returns its argument), big() (2**40), boom() (throws),
fail(code) (a fault of that code), note(text) and notes() (notifications kept and read back).

  xml   every XML-RPC type through echo, faults, system.multicall, introspection
  json  positional and named params, notifications, a batch with a notification and an error, the error codes
  add   call add(2, 3), retrying for up to 10 s while nothing listens yet (a server started after this client)
  load  ARG calls of METHOD(1, 2) (add, else the 4th argument) over one kept-alive connection; prints the calls per second
  multicall  one system.multicall of ARG calls of METHOD(i, i), the best time of 3; prints the seconds
"""
import datetime
import http.client
import json
import os
import sys
import time
import xmlrpc.client

mode, url = sys.argv[1], sys.argv[2]
seen = {}


def fault_of(call):
    try:
        call()
        return None
    except xmlrpc.client.Fault as fault:
        return [fault.faultCode, fault.faultString]


def xml():
    proxy = xmlrpc.client.ServerProxy(url, allow_none=True, use_builtin_types=True)
    seen['add'] = proxy.add(2, 3)
    stamp = datetime.datetime(2026, 1, 2, 3, 4, 5)
    values = [7, True, 'ÿ€😀 <&>', 1.5, stamp, b'\x00\xff', [1, 'a', [2.5]], {'name': 'Arthur', 'data': {'age': 42, 'tags': ['x']}}, None, '']
    seen['echo'] = [[type(back).__name__, back == sent] for sent, back in ((v, proxy.echo(v)) for v in values)]
    big = proxy.big()
    seen['big'] = [type(big).__name__, big == 2 ** 40]
    seen['boom'] = fault_of(proxy.boom)
    seen['fail'] = fault_of(lambda: proxy.fail(42))
    seen['nosuch'] = fault_of(proxy.nosuch)
    seen['toomany'] = fault_of(lambda: proxy.add(1, 2, 3))
    multi = xmlrpc.client.MultiCall(proxy)
    multi.add(1, 2)
    multi.boom()
    multi.echo('x')
    answers = multi()
    results = []
    for i in range(3):
        try:
            results.append(answers[i])
        except xmlrpc.client.Fault as fault:
            results.append(fault.faultCode)
    seen['multicall'] = results
    seen['listMethods'] = proxy.system.listMethods()
    seen['methodSignature'] = proxy.system.methodSignature('add')
    seen['methodHelp'] = proxy.system.methodHelp('add')


def json_rpc():
    # Debian's python3-jsonrpclib-pelix is visible to the system's Python only.
    from jsonrpclib import ServerProxy, MultiCall
    from jsonrpclib.jsonrpc import ProtocolError
    import jsonrpclib.config
    proxy = ServerProxy(url, config=jsonrpclib.config.Config(version=2.0))
    seen['add'] = proxy.add(2, 3)
    seen['named'] = proxy.add(b=10, a=1)
    proxy._notify.note('first')
    batch = MultiCall(proxy)
    batch.add(1, 2)
    batch._notify.note('second')
    batch.nosuch()
    batch.echo({'k': [1, None]})
    answers = batch()
    results = []
    for i in range(len(answers)):
        try:
            results.append(answers[i])
        except ProtocolError as error:
            results.append(error.args[0][0])
    seen['batch'] = results
    seen['notes'] = proxy.notes()
    errors = {}
    for name, call in (('boom', proxy.boom), ('nosuch', proxy.nosuch), ('toomany', lambda: proxy.add(1, 2, 3)),
                       ('fail', lambda: proxy.fail(42))):
        try:
            call()
        except ProtocolError as error:
            errors[name] = list(error.args[0])[:3]
    seen['errors'] = errors


def add():
    deadline = time.monotonic() + 10
    while True:
        try:
            seen['add'] = xmlrpc.client.ServerProxy(url).add(2, 3)
            return
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def load():
    count = int(sys.argv[3])
    method = getattr(xmlrpc.client.ServerProxy(url), sys.argv[4] if len(sys.argv) > 4 else 'add')
    for _ in range(min(count, 200)):
        method(1, 2)
    start = time.perf_counter()
    for _ in range(count):
        method(1, 2)
    seen['calls_per_second'] = count / (time.perf_counter() - start)


def multicall():
    count = int(sys.argv[3])
    proxy = xmlrpc.client.ServerProxy(url)
    best = None
    for _ in range(3):
        multi = xmlrpc.client.MultiCall(proxy)
        for i in range(count):
            getattr(multi, sys.argv[4] if len(sys.argv) > 4 else 'add')(i, i)
        start = time.perf_counter()
        results = list(multi())
        elapsed = time.perf_counter() - start
        assert results[-1] == 2 * (count - 1), results[-1]
        best = elapsed if best is None else min(best, elapsed)
    seen['seconds'] = best


if mode == 'json':
    try:
        import jsonrpclib  # noqa: F401
    except ImportError:
        if sys.executable != '/usr/bin/python3':
            os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)
        raise
{'xml': xml, 'json': json_rpc, 'add': add, 'load': load, 'multicall': multicall}[mode]()
print(json.dumps(seen, default=str), flush=True)
print('DONE', flush=True)
