"""A peer that accepts and then neither reads nor sends (for ten minutes at most)."""
import time
from tcp_common import serve


def stall(sock):
    time.sleep(600)


serve(stall)
