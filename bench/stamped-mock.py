#!/usr/bin/env python3
"""The mock server (tests/mock/mock.py) with a time stamp on every write.

    python3 bench/stamped-mock.py STAMPS [mock.py's arguments...]

Runs the mock unchanged, except that every socket send is logged to STAMPS
as `<CLOCK_MONOTONIC ns when the send returned> <hex of the bytes sent>`,
one line per send.  CLOCK_MONOTONIC is the same clock in every process, so
bench/stream-probe.py can compare these with the moment its reader sees the
same bytes come out of a pipeline.  The stamp is taken after the kernel has
the bytes, so nothing of the logging is counted as the pipeline's delay.
"""

import os
import runpy
import socket
import sys
import threading
import time

if len(sys.argv) < 2:
    sys.exit(__doc__)
stamps = open(sys.argv[1], "a", buffering=1)
lock = threading.Lock()
mono = time.monotonic_ns
orig_send = socket.socket.send
orig_sendall = socket.socket.sendall


def log(data, n):
    t = mono()
    with lock:
        stamps.write("%d %s\n" % (t, bytes(data[:n]).hex()))


def send(self, data, *a):
    n = orig_send(self, data, *a)
    log(memoryview(data), n)
    return n


def sendall(self, data, *a):
    r = orig_sendall(self, data, *a)
    mv = memoryview(data)
    log(mv, len(mv))
    return r


socket.socket.send = send
socket.socket.sendall = sendall

mock = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "mock", "mock.py")
sys.argv = [mock] + sys.argv[2:]
runpy.run_path(mock, run_name="__main__")
