"""pyzmq's half of bench/messaging.sh (Debian's python3-zmq, run by /usr/bin/python3).

    zmq_bench_peer.py pull tcp://127.0.0.1:PORT COUNT   binds a PULL, prints READY, receives COUNT messages and prints
                                                       "COUNT SECONDS" (first message to last: ZeroMQ's local_thr way)
    zmq_bench_peer.py push tcp://127.0.0.1:PORT COUNT   connects a PUSH and sends COUNT messages of 64 bytes
Every receive gives up after 60 s, so a lost peer ends the bench instead of hanging it.
"""
import sys
import time
import zmq

mode, endpoint, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = zmq.Context()
if mode == 'pull':
    sock = context.socket(zmq.PULL)
    sock.setsockopt(zmq.RCVTIMEO, 60000)
    sock.bind(endpoint)
    print('READY', flush=True)
    got = 0
    try:
        sock.recv()
        got = 1
        start = time.perf_counter()
        for _ in range(count - 1):
            sock.recv()
            got += 1
        print(got, time.perf_counter() - start, flush=True)
    except zmq.Again:
        print(got, 'TIMEOUT', flush=True)
else:
    sock = context.socket(zmq.PUSH)
    sock.setsockopt(zmq.SNDTIMEO, 60000)
    sock.connect(endpoint)
    body = b'x' * 64
    for _ in range(count):
        sock.send(body)
sock.close(linger=60000)
context.term()
