"""Clients of our HTTP server written with Python's http.client and Debian's python3-requests only, so the server is
judged by peers we did not write. Run with /usr/bin/python3 (the one that sees python3-requests).

Usage: http_server_client.py http-client|requests BASE_URL [--cafile CA]
Each mode makes a fixed series of requests and prints one JSON object of what came back (statuses, bodies, headers).
The server is expected to have the routes of the tests: GET /, GET /items/{id}, PUT /items/{id}, POST /echo, and a
static folder holding hello.txt ("hello, static world\n").
"""
import http.client
import json
import sys
import urllib.parse


def with_http_client(base, cafile):
    url = urllib.parse.urlsplit(base)
    if url.scheme == 'https':
        import ssl
        conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=20,
                                           context=ssl.create_default_context(cafile=cafile))
    else:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    out = {}

    def exchange(name, method, path, body=None, headers=None, chunked=False):
        conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        response = conn.getresponse()
        data = response.read()
        out[name] = {'status': response.status, 'reason': response.reason, 'body': data.decode('utf-8', 'replace'),
                     'headers': {k.lower(): v for k, v in response.getheaders()}}
        return conn.sock

    first = exchange('root', 'GET', '/')
    exchange('item', 'GET', '/items/7?q=a%20b&q=c')
    # A generator body has no length: http.client sends it chunked.
    exchange('chunked', 'POST', '/echo', body=(part for part in [b'one,', b'two,', b'three']),
             headers={'Content-Type': 'text/plain'}, chunked=True)
    exchange('head', 'HEAD', '/')
    last = exchange('length', 'POST', '/echo', body=b'x' * 100000, headers={'Content-Type': 'application/octet-stream'})
    out['reused'] = first is last
    conn.close()
    return out


def with_requests(base, cafile):
    import requests
    session = requests.Session()
    verify = cafile if cafile else True
    out = {}

    def keep(name, response):
        out[name] = {'status': response.status_code, 'body': response.text,
                     'headers': {k.lower(): v for k, v in response.headers.items()}}

    keep('form', session.post(base + '/echo', data={'name': 'Ada Lovelace', 'lang': 'en'}, verify=verify, timeout=20))
    keep('json', session.post(base + '/echo', json={'n': 1, 'list': [1, 2]}, verify=verify, timeout=20))
    keep('missing', session.get(base + '/nope', verify=verify, timeout=20))
    keep('not_allowed', session.post(base + '/items/7', data='x', verify=verify, timeout=20))
    keep('not_implemented', session.request('PATCH', base + '/', verify=verify, timeout=20))
    keep('static', session.get(base + '/hello.txt', verify=verify, timeout=20))
    etag = out['static']['headers'].get('etag', '')
    keep('not_modified', session.get(base + '/hello.txt', headers={'If-None-Match': etag}, verify=verify, timeout=20))
    keep('range', session.get(base + '/hello.txt', headers={'Range': 'bytes=7-12'}, verify=verify, timeout=20))
    keep('past_end', session.get(base + '/hello.txt', headers={'Range': 'bytes=500-'}, verify=verify, timeout=20))
    return out


def main():
    mode, base = sys.argv[1], sys.argv[2].rstrip('/')
    cafile = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == '--cafile' else None
    result = with_http_client(base, cafile) if mode == 'http-client' else with_requests(base, cafile)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
