#!/usr/bin/env python3
"""Streaming: the delay between the mock sending an event and its text
coming out of the end of a pipeline.

    python3 bench/stream-probe.py [--events N] [--delay-ms D] [--out DIR]

Starts bench/stamped-mock.py (the mock, with a CLOCK_MONOTONIC stamp on
every socket write) and scripts one streamed answer of N content events,
each delta a unique marker `[e00001]`, one event per write,
D ms apart.  Each client runs with its stdout on a pipe that this script
reads as soon as bytes arrive, stamping every read with the same clock.
An event's delay is (read that completed its marker) - (write that sent it).

Clients: `curl -sN` (raw SSE: the floor: loopback, a process, a pipe and this
reader), `gpt-send -S` (chunk lines) and `gpt-send -S | gpt-extract` (text).
The figure asked for is the pipeline's delay minus curl's, per event.
Prints a Markdown table; writes the raw figures and peak RSS to DIR.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
MARK = re.compile(rb"\[e(\d{5})\]")


def chunk(delta, finish=None, usage=None, choices=True):
    c = {"id": "chatcmpl-bench0stream", "object": "chat.completion.chunk",
         "created": 1735689600, "model": "gpt-4o-mini-2024-07-18",
         "system_fingerprint": "fp_bench", "choices": []}
    if choices:
        c["choices"] = [{"index": 0, "delta": delta, "logprobs": None,
                         "finish_reason": finish}]
    if usage is not None:
        c["usage"] = usage
    return "data: " + json.dumps(c, separators=(",", ":")) + "\n\n"


def script(n, delay_ms):
    ev = [chunk({"role": "assistant", "content": "", "refusal": None})]
    ev += [chunk({"content": "[e%05d]" % (i + 1)}) for i in range(n)]
    ev.append(chunk({}, finish="stop"))
    ev.append(chunk(None, usage={"prompt_tokens": 9, "completion_tokens": n * 3,
                                 "total_tokens": 9 + n * 3}, choices=False))
    ev.append("data: [DONE]\n\n")
    # The mock writes each event as one piece (one HTTP chunk, one send).
    return [{"stream": True, "events": ev, "chunk_delay_ms": delay_ms}]


def post(url, obj):
    req = urllib.request.Request(url, data=json.dumps(obj).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        r.read()


def sends(stamps_path, start):
    """Time each marker was sent: {k: ns} from the stamps file, from byte start on."""
    out = {}
    with open(stamps_path) as f:
        f.seek(start)
        for line in f:
            t, hexdata = line.split()
            for m in MARK.finditer(bytes.fromhex(hexdata)):
                out.setdefault(int(m.group(1)), int(t))
    return out


def run_client(cmd, env):
    """Run cmd (sh -c), read its stdout as it comes: [(ns, cumulative bytes)], data."""
    p = subprocess.Popen(["sh", "-c", cmd], stdout=subprocess.PIPE, env=env, bufsize=0)
    fd = p.stdout.fileno()
    data = bytearray()
    reads = []
    while True:
        b = os.read(fd, 65536)
        t = time.monotonic_ns()
        if not b:
            break
        data += b
        reads.append((t, len(data)))
    rc = p.wait()
    return rc, reads, bytes(data)


def arrivals(reads, data):
    """Time each marker was complete in the output: {k: ns}."""
    out = {}
    i = 0
    for m in MARK.finditer(data):
        while reads[i][1] < m.end():
            i += 1
        out.setdefault(int(m.group(1)), reads[i][0])
    return out


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=300)
    ap.add_argument("--delay-ms", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(TOP, "bench", "out", "stream"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    stamps = os.path.join(a.out, "stamps.txt")
    portf = os.path.join(a.out, "port")
    for f in (stamps, portf):
        if os.path.exists(f):
            os.unlink(f)
    mock = subprocess.Popen([sys.executable, os.path.join(TOP, "bench", "stamped-mock.py"),
                             stamps, "--port-file", portf, "--dir", a.out],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(a.out, "mock.log"), "w"))
    try:
        for _ in range(200):
            if os.path.exists(portf) and open(portf).read().strip():
                break
            time.sleep(0.05)
        else:
            sys.exit("stream-probe: the mock did not start")
        base = "http://127.0.0.1:%s" % open(portf).read().strip()
        env = dict(os.environ, OPENAI_BASE_URL=base + "/v1", OPENAI_API_KEY="sk-bench-mock-key",
                   PATH=TOP + ":" + os.environ["PATH"])
        req = os.path.join(a.out, "request.json")
        with open(req, "w") as f:
            f.write('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Count."}]}\n')
        def rt(name):
            """GNU time around one program: its peak RSS to DIR/name.rss."""
            return "/usr/bin/time -f %%M -o %s/%s.rss " % (a.out, name)
        clients = [
            ("curl -sN (raw SSE)",
             "curl -sN -H 'Content-Type: application/json' -H \"Authorization: Bearer $OPENAI_API_KEY\" "
             "-d '{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count.\"}]}' "
             "\"$OPENAI_BASE_URL/chat/completions\""),
            ("gpt-send -S", rt("send-alone") + "gpt-send -S <" + req),
            ("gpt-send -S | gpt-extract",
             rt("send") + "gpt-send -S <" + req + " | " + rt("extract") + "gpt-extract"),
        ]
        rows = []
        raw = {}
        for name, cmd in clients:
            lat = []
            for _ in range(a.repeat):
                post(base + "/_mock/script", script(a.events, a.delay_ms))
                start = os.path.getsize(stamps) if os.path.exists(stamps) else 0
                rc, reads, data = run_client(cmd, env)
                if rc != 0:
                    sys.exit("stream-probe: %s: exit %d" % (name, rc))
                time.sleep(0.05)
                sent = sends(stamps, start)
                got = arrivals(reads, data)
                if len(got) != a.events or len(sent) != a.events:
                    sys.exit("stream-probe: %s: %d events sent, %d seen, %d expected"
                             % (name, len(sent), len(got), a.events))
                lat += [(got[k] - sent[k]) / 1000 for k in sorted(got)]
            raw[name] = lat
            rows.append((name, lat))
        with open(os.path.join(a.out, "latency.json"), "w") as f:
            json.dump(raw, f)
        floor = statistics.median(rows[0][1])
        print("%d content events, %d ms apart, %d runs per client; delay from the mock's write "
              "to the reader's read, in microseconds:" % (a.events, a.delay_ms, a.repeat))
        print()
        print("| client | events | median µs | p90 µs | p99 µs | max µs | median minus curl's µs |")
        print("|---|--:|--:|--:|--:|--:|--:|")
        for name, lat in rows:
            med = statistics.median(lat)
            print("| `%s` | %d | %.0f | %.0f | %.0f | %.0f | %.0f |" % (
                name.replace("|", "\\|"), len(lat), med, pct(lat, 90), pct(lat, 99), max(lat), med - floor))
        print()
        for prog in ("send-alone", "send", "extract"):
            p = os.path.join(a.out, prog + ".rss")
            if os.path.exists(p):
                kib = open(p).read().split()[-1]
                name = {"send-alone": "gpt-send -S", "send": "gpt-send -S (in the pipeline)",
                        "extract": "gpt-extract (stream)"}[prog]
                mem = os.path.join(TOP, "bench", "out", "memory-stream.tsv")
                with open(mem, "a") as f:
                    f.write("%s\t%d events\t%s\t-\n" % (name, a.events, kib))
    finally:
        mock.terminate()
        mock.wait()


if __name__ == "__main__":
    main()
