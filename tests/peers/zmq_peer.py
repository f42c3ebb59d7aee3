"""pyzmq (Debian's python3-zmq, run by /usr/bin/python3) as the independent peer of the Messaging tests.

    zmq_peer.py MODE bind|connect ENDPOINT COUNT [TOPIC]

Prints "READY <endpoint>" once bound or connected (a bound tcp://host:0 gets a free port), then what it received,
one message a line (frames joined by '|'), and 'DONE' last. Every receive gives up after 10 s, so it always ends.
  push: sends 'message 0' .. 'message COUNT-1'       pull: receives COUNT messages
  pub:  waits for a subscription (XPUB), then sends COUNT messages [TOPIC, 'body i'] and COUNT as one frame TOPIC+'-i'
  sub:  subscribes to TOPIC and receives COUNT messages
  rep:  answers COUNT JSON requests (lists of numbers) with the sum of their squares, as queuepi.py's pythagoras
  req:  sends COUNT JSON requests [i, i + 1] and prints the replies
  frames: (a PUSH) sends one message of COUNT frames, then 'after'
  big:  (a PUSH) sends one message of COUNT bytes, then 'after'
"""
import sys
import zmq

mode, how, endpoint, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
topic = sys.argv[5].encode() if len(sys.argv) > 5 else b''
kinds = {'frames': zmq.PUSH, 'big': zmq.PUSH, 'push': zmq.PUSH, 'pull': zmq.PULL, 'pub': zmq.XPUB, 'sub': zmq.SUB, 'rep': zmq.REP, 'req': zmq.REQ}
context = zmq.Context()
sock = context.socket(kinds[mode])
sock.setsockopt(zmq.RCVTIMEO, 10000)
sock.setsockopt(zmq.SNDTIMEO, 10000)
sock.setsockopt(zmq.LINGER, 2000)
if mode == 'sub':
    sock.setsockopt(zmq.SUBSCRIBE, topic)
if how == 'bind':
    if endpoint.endswith(':0'):
        port = sock.bind_to_random_port(endpoint[:-2])
        endpoint = '%s:%d' % (endpoint[:-2], port)
    else:
        sock.bind(endpoint)
else:
    sock.connect(endpoint)
print('READY', endpoint, flush=True)
try:
    if mode == 'push':
        for i in range(count):
            sock.send_string('message %d' % i)
    elif mode == 'frames':
        sock.send_multipart([b'frame %d' % i for i in range(count)])
        sock.send_string('after')
    elif mode == 'big':
        sock.send(b'x' * count)
        sock.send_string('after')
    elif mode in ('pull', 'sub'):
        for i in range(count):
            print('|'.join(f.decode('utf-8', 'replace') for f in sock.recv_multipart()), flush=True)
    elif mode == 'pub':
        sock.recv()  # a subscription: the subscriber is there, nothing is lost to the slow joiner
        for i in range(count):
            sock.send_multipart([topic, b'body %d' % i])
        for i in range(count):
            sock.send(topic + b'-%d' % i)
    elif mode == 'rep':
        for i in range(count):
            numbers = sock.recv_json()
            sock.send_json(sum(n * n for n in numbers))
    elif mode == 'req':
        for i in range(count):
            sock.send_json([i, i + 1])
            print(sock.recv_json(), flush=True)
except zmq.Again:
    print('TIMEOUT', flush=True)
sock.close()
context.term()
print('DONE', flush=True)
