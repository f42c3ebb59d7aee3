"""A Zen server written with nothing but Python's standard library, as a peer our load cmdlet is checked against and
the bench measures, and as the program of the playground's inetd-style Zen services: questions end with '?', answers
with '.', an unknown question gets an error answer.
Usage: zen_server.py MODE [DELAY]; DELAY is seconds to wait before each answer. MODE:
  asyncio    one event loop, and threaded: socketserver, a thread per connection; both listen on 127.0.0.1 at a port
             the system picks, print "PORT <n>" once they listen, and run until killed;
  stdio      one client on standard input and output, until its input ends (an inetd "nowait" program);
  listener   the listening socket is standard input: accepts clients and serves them one after another (an inetd
             "wait" program), until killed.
"""
import asyncio
import socket
import socketserver
import sys
import time

ANSWERS = {
    b'Beautiful is better than': b'Ugly.',
    b'Explicit is better than': b'Implicit.',
    b'Simple is better than': b'Complex.',
    b'Complex is better than': b'Complicated.',
    b'Flat is better than': b'Nested.',
    b'Sparse is better than': b'Dense.',
    b'Now is better than': b'Never.',
}
UNKNOWN = b'Error: unknown question.'
MAX_QUESTION = 64 * 1024


def answer(question):
    return ANSWERS.get(question.strip(), UNKNOWN)


def serve_asyncio(delay):
    async def client(reader, writer):
        try:
            while True:
                try:
                    question = await reader.readuntil(b'?')
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    break
                if delay:
                    await asyncio.sleep(delay)
                writer.write(answer(question[:-1]))
                await writer.drain()
        finally:
            writer.close()

    async def main():
        server = await asyncio.start_server(client, '127.0.0.1', 0, limit=MAX_QUESTION, backlog=512)
        print('PORT %d' % server.sockets[0].getsockname()[1], flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def serve_stream(receive, send, delay):
    """Answers the questions that receive() brings until it returns nothing; a question past the limit ends it."""
    data = b''
    while True:
        at = data.find(b'?')
        if at < 0:
            if len(data) > MAX_QUESTION:
                return
            more = receive()
            if not more:
                return
            data += more
            continue
        question, data = data[:at], data[at + 1:]
        if delay:
            time.sleep(delay)
        send(answer(question))


class ZenHandler(socketserver.BaseRequestHandler):
    delay = 0.0

    def handle(self):
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as asyncio's transports do
        serve_stream(lambda: sock.recv(4096), sock.sendall, self.delay)


class ThreadedServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    request_queue_size = 512


def serve_threaded(delay):
    ZenHandler.delay = delay
    with ThreadedServer(('127.0.0.1', 0), ZenHandler) as server:
        print('PORT %d' % server.server_address[1], flush=True)
        server.serve_forever()


def serve_stdio(delay):
    def send(data):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    serve_stream(lambda: sys.stdin.buffer.read1(4096), send, delay)


def serve_listener(delay):
    listener = socket.socket(fileno=0)
    while True:
        client, _ = listener.accept()
        with client:
            try:
                serve_stream(lambda: client.recv(4096), client.sendall, delay)
            except ConnectionError:
                pass


if __name__ == '__main__':
    mode = sys.argv[1]
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    {'asyncio': serve_asyncio, 'threaded': serve_threaded, 'stdio': serve_stdio, 'listener': serve_listener}[mode](delay)
