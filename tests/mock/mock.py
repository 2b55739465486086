#!/usr/bin/env python3
"""A local stand-in for the OpenAI Chat Completions API, for the tests.

    python3 tests/mock/mock.py --port-file FILE --dir DIR [--port N]
                               [--latency-ms N] [--watch-pid PID]

It listens on 127.0.0.1 (port 0: one the system picks), writes the port to
FILE once it accepts connections, and serves until SIGTERM or SIGINT (or
until the process --watch-pid names is gone).  Python's standard library
only, so it runs wherever the tests do.

What it answers:
  POST /v1/chat/completions  a chat.completion whose content is
                             "You said: <last user message>", or a stream of
                             chat.completion.chunk events ending in [DONE]
                             (JSON mode: {"answer": that text}; a
                             json_schema format: a value fitting the schema)
  POST /v1/files             keeps an uploaded file in DIR/files/ID
  POST /v1/batches           accepts a batch (nothing is run)
  GET  /v1/models            a short list of models
  anything else under /v1/   a 404 in the API's error format

Every request to /v1/ is appended (and flushed) to DIR/requests.jsonl
before it is acted on, so tests can check exactly what a client sent:
  {"n": 1, "method": "POST", "path": "/v1/chat/completions",
   "headers": {"lowercase-name": "value"}, "body": "raw body text",
   "conn": "127.0.0.1:40312", "t": 1700000000.123}
A body that is not valid UTF-8 also gets "body_base64".  Requests to the
control endpoints below are not recorded: they belong to the test, not to
the client under test.

Control endpoints (used by tests/mock.bash):
  GET  /_mock/ping           200 once the server is up
  POST /_mock/script         a JSON array of response specs, appended to a
                             queue; each chat request takes the first one
                             (the default answer resumes when it is empty)
  POST /_mock/chaos          {"seed", "p429", "p500", "pcut", "latency_ms"}:
                             random failures, the same for the same seed;
                             {"off": true} ends them
  POST /_mock/reset          forget the script and chaos; with
                             {"record": true} also empty the record

A response spec (every field optional) bends one answer:
  status          the HTTP status (200)
  headers         {name: value} added, or replacing a header of that name
                  whatever its case; a null value removes the header
  body            sent instead of the generated body: a string as is (so
                  it may be broken JSON), any other JSON value as JSON
  error_type      for a status that is not 2xx, the error body's kind:
                  rate_limit_exceeded, tokens, insufficient_quota,
                  invalid_api_key, model_not_found, server_error,
                  overloaded, ... (by default the status's usual one:
                  429 type "requests" code "rate_limit_exceeded", 401
                  "invalid_api_key", 500 "server_error", ...)
  error_code      the error body's "code"; message its "message"
  content         the assistant text (a list: one per choice)
  finish_reason   ("stop"); usage: the usage object; model: the model
  delay_ms        wait before the status line
  stream          true or false: stream or not, whatever was asked
  events          a list of SSE texts sent as the stream instead of the
                  generated events, byte for byte: no [DONE] is added
  crlf            CRLF line endings in the stream
  comments        a ": keep-alive" comment between events
  no_done         no "data: [DONE]" at the end of a generated stream
  split           [byte offsets] of the body to write it in pieces, each
                  flushed on its own (a stream: each piece one HTTP chunk;
                  without split each event is one piece)
  split_every     N: pieces of N bytes
  chunk_delay_ms  wait between pieces
  trickle_ms      N: the body one byte every N ms
  cut_after       N: send N bytes of the body, then close the connection
                  (a plain body's Content-Length still says the full
                  length; a stream never gets its last chunk)
  not_json        a 200 (or status) with an HTML error page
  hang            read the request, never answer, until the client leaves
  headers_only    send the headers (claiming a body), then nothing, until
                  the client leaves
  redirect        URL: a 307 with that Location
Chaos draws one number per chat request from seed and request number: it
answers 429 (with retry-after-ms: 10) below p429, 500 below p429+p500, a
body cut in half below p429+p500+pcut, and waits latency_ms before each.

Token counts are a fixed rule, so cost tests can predict them: a message
costs 4 + ceil(characters / 4) tokens and a prompt 3 more; a choice's
completion costs max(1, ceil(characters / 4)).
"""

import argparse
import base64
import collections
import email.utils
import http
import http.server
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import string
import sys
import threading
import time

FINGERPRINT = "fp_44709d6fcb"
DEFAULT_MODEL = "gpt-4o-mini"
MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3-mini"]

# Error bodies as the API writes them, by error_type; a status picks its
# usual one.  These are the values the clients' retry rules look at.
ERRORS = {
    "invalid_request_error": (
        "invalid_request_error", None,
        "Invalid request."),
    "invalid_api_key": (
        "invalid_request_error", "invalid_api_key",
        "Incorrect API key provided: sk-test***-key. You can find your API "
        "key at https://platform.openai.com/account/api-keys."),
    "unsupported_country_region_territory": (
        "request_forbidden", "unsupported_country_region_territory",
        "Country, region, or territory not supported"),
    "model_not_found": (
        "invalid_request_error", "model_not_found",
        "The model does not exist or you do not have access to it."),
    "rate_limit_exceeded": (
        "requests", "rate_limit_exceeded",
        "Rate limit reached for gpt-4o-mini in organization org-mock on "
        "requests per min (RPM): Limit 500, Used 500, Requested 1. Please "
        "try again in 120ms. Visit https://platform.openai.com/account/"
        "rate-limits to learn more."),
    "tokens": (
        "tokens", "rate_limit_exceeded",
        "Rate limit reached for gpt-4o-mini in organization org-mock on "
        "tokens per min (TPM): Limit 200000, Used 199990, Requested 100. "
        "Please try again in 27ms."),
    "insufficient_quota": (
        "insufficient_quota", "insufficient_quota",
        "You exceeded your current quota, please check your plan and "
        "billing details. For more information on this error, read the "
        "docs: https://platform.openai.com/docs/guides/error-codes/"
        "api-errors."),
    "server_error": (
        "server_error", None,
        "The server had an error while processing your request. Sorry "
        "about that!"),
    "overloaded": (
        "server_error", None,
        "The engine is currently overloaded, please try again later."),
}
ERROR_BY_STATUS = {400: "invalid_request_error", 401: "invalid_api_key",
                   403: "unsupported_country_region_territory",
                   404: "model_not_found", 429: "rate_limit_exceeded",
                   503: "overloaded"}

BAD_JSON = ("We could not parse the JSON body of your request. (HINT: This "
            "likely means you aren't using your HTTP library correctly. The "
            "OpenAI API expects a JSON payload, but what was sent was not "
            "valid JSON.)")
NO_KEY = ("You didn't provide an API key. You need to provide your API key "
          "in an Authorization header using Bearer auth (i.e. "
          "Authorization: Bearer YOUR_KEY).")
HTML_PAGE = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
             b"<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
             b"<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n")

ALNUM = string.ascii_letters + string.digits


class State:
    """What the tests set up, shared by every connection's thread."""

    def __init__(self, directory, latency_ms):
        self.lock = threading.Lock()
        self.dir = directory
        self.latency = latency_ms / 1000.0
        self.script = collections.deque()
        self.chaos = None
        self.seq = 0
        self.stop = threading.Event()
        self.record = open(os.path.join(directory, "requests.jsonl"), "a",
                           encoding="utf-8")
        self.log = open(os.path.join(directory, "mock.log"), "a",
                        encoding="utf-8")

    def write_record(self, entry):
        with self.lock:
            self.seq += 1
            entry = dict(n=self.seq, **entry)
            self.record.write(json.dumps(entry) + "\n")
            self.record.flush()

    def clear_record(self):
        with self.lock:
            self.record.seek(0)
            self.record.truncate()
            self.record.flush()
            self.seq = 0

    def next_spec(self):
        """The spec for the next chat request: script first, then chaos."""
        with self.lock:
            if self.script:
                return self.script.popleft()
            if self.chaos is None:
                return {}
            c = self.chaos
            k = c["k"]
            c["k"] += 1
        # One generator per request number, so the n-th request after
        # POST /_mock/chaos meets the same fate for the same seed.
        u = random.Random("%s:%d" % (c["seed"], k)).random()
        spec = {"delay_ms": c["latency_ms"]}
        if u < c["p429"]:
            spec.update(status=429, headers={"retry-after-ms": "10"})
        elif u < c["p429"] + c["p500"]:
            spec.update(status=500)
        elif u < c["p429"] + c["p500"] + c["pcut"]:
            spec.update(cut_half=True)
        return spec

    def say(self, text):
        with self.lock:
            self.log.write("%.3f %s\n" % (time.time(), text))
            self.log.flush()


def dumps(value, indent=None):
    """JSON as the API writes it: UTF-8 as is (escaped only if it must be)."""
    seps = (",", ":") if indent is None else (",", ": ")
    try:
        return json.dumps(value, ensure_ascii=False, indent=indent,
                          separators=seps).encode("utf-8")
    except UnicodeEncodeError:      # a lone surrogate from a \ud800 escape
        return json.dumps(value, indent=indent,
                          separators=seps).encode("ascii")


def text_of(content):
    """The text of a message's content: a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content
                       if isinstance(p, dict) and
                       isinstance(p.get("text"), str))
    return ""


def error_body(status, spec):
    kind = spec.get("error_type") or ERROR_BY_STATUS.get(status) or (
        "server_error" if status >= 500 else "invalid_request_error")
    etype, code, message = ERRORS.get(kind, (kind, None, "Error."))
    if "error_code" in spec:
        code = spec["error_code"]
    message = spec.get("message", message)
    return {"error": {"message": message, "type": etype, "param": None,
                      "code": code}}


def new_id(prefix, n):
    return prefix + "".join(secrets.choice(ALNUM) for _ in range(n))


def instance_of(schema, text, depth=0):
    """A small value that fits a JSON Schema: what structured outputs return."""
    if not isinstance(schema, dict) or depth > 16:
        return text
    if "enum" in schema and schema["enum"]:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return instance_of(schema[key][0], text, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") or {}
        return {k: instance_of(v, text, depth + 1) for k, v in props.items()}
    if kind == "array":
        return [instance_of(schema.get("items"), text, depth + 1)]
    if kind == "integer":
        return 42
    if kind == "number":
        return 4.2
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return text


class Answer:
    """The answer to one chat request, built from the request and a spec."""

    def __init__(self, req, spec):
        self.req = req
        self.spec = spec
        self.id = new_id("chatcmpl-", 29)
        self.created = int(time.time())
        self.model = spec.get("model") or req.get("model") or DEFAULT_MODEL
        if not isinstance(self.model, str):
            self.model = DEFAULT_MODEL
        n = req.get("n", 1)
        self.n = n if isinstance(n, int) and 1 <= n <= 128 else 1
        self.contents = self._contents()
        self.finish = spec.get("finish_reason", "stop")
        self.usage = spec.get("usage") or self._usage()

    def _contents(self):
        c = self.spec.get("content")
        if isinstance(c, list):
            return [str(c[i % len(c)]) if c else "" for i in range(self.n)]
        if c is not None:
            return [str(c)] * self.n
        said = ""
        for m in self.req.get("messages") or []:
            if isinstance(m, dict) and m.get("role") == "user":
                said = text_of(m.get("content"))
        base = "You said: " + said
        fmt = self.req.get("response_format")
        if isinstance(fmt, dict) and fmt.get("type") == "json_object":
            return [json.dumps({"answer": base})] * self.n
        if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
            js = fmt.get("json_schema")
            schema = js.get("schema") if isinstance(js, dict) else None
            return [json.dumps(instance_of(schema, base))] * self.n
        # Choices after the first say which they are, so order is testable.
        return [base] + ["%s (choice %d)" % (base, i)
                         for i in range(1, self.n)]

    def _usage(self):
        prompt = 3
        for m in self.req.get("messages") or []:
            if isinstance(m, dict):
                prompt += 4 + math.ceil(len(text_of(m.get("content"))) / 4)
        done = sum(max(1, math.ceil(len(c) / 4)) for c in self.contents)
        return {"prompt_tokens": prompt, "completion_tokens": done,
                "total_tokens": prompt + done,
                "prompt_tokens_details": {"cached_tokens": 0,
                                          "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": 0, "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0}}

    def completion(self):
        choices = [{"index": i,
                    "message": {"role": "assistant", "content": c,
                                "refusal": None, "annotations": []},
                    "logprobs": None, "finish_reason": self.finish}
                   for i, c in enumerate(self.contents)]
        return {"id": self.id, "object": "chat.completion",
                "created": self.created, "model": self.model,
                "choices": choices, "usage": self.usage,
                "service_tier": "default",
                "system_fingerprint": FINGERPRINT}

    def _chunk(self, choices, usage=False):
        c = {"id": self.id, "object": "chat.completion.chunk",
             "created": self.created, "model": self.model,
             "service_tier": "default", "system_fingerprint": FINGERPRINT,
             "choices": choices}
        if self._with_usage():
            c["usage"] = self.usage if usage else None
        return c

    def _with_usage(self):
        so = self.req.get("stream_options")
        return isinstance(so, dict) and so.get("include_usage") is True

    def events(self):
        """The stream as SSE event texts: role, pieces, finish, usage, DONE."""
        per_choice = []
        for i, text in enumerate(self.contents):
            deltas = [({"role": "assistant", "content": "",
                        "refusal": None}, None)]
            # Word-sized pieces, as the API sends tokens.
            deltas += [({"content": p}, None)
                       for p in re.findall(r"\s*\S+|\s+", text)]
            deltas.append(({}, self.finish))
            per_choice.append([{"index": i, "delta": d, "logprobs": None,
                                "finish_reason": f} for d, f in deltas])
        chunks = []
        for k in range(max(len(c) for c in per_choice)):
            for c in per_choice:
                if k < len(c):
                    chunks.append(self._chunk([c[k]]))
        if self._with_usage():
            chunks.append(self._chunk([], usage=True))
        out = ["data: " + dumps(c).decode("utf-8") + "\n\n" for c in chunks]
        if not self.spec.get("no_done"):
            out.append("data: [DONE]\n\n")
        return out


def reason(status):
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def split_at(data, offsets):
    cuts = sorted({o for o in offsets
                   if isinstance(o, int) and 0 < o < len(data)})
    bounds = [0] + cuts + [len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"     # keep-alive, as the API does
    server_version = "mock"
    disable_nagle_algorithm = True    # pieces leave when they are written

    def log_message(self, fmt, *args):
        self.server.state.say("%s %s" % (self.address_string(), fmt % args))

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (OSError, ValueError) as e:
            # The client went away or sent a broken request: its business.
            self.server.state.say("connection ended: %r" % (e,))
            self.close_connection = True

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_PUT(self):
        self.route()

    def do_DELETE(self):
        self.route()

    # -- reading and recording --------------------------------------------

    def read_body(self):
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass        # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        n = int(self.headers.get("content-length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def record(self, body):
        headers = {}
        for name, value in self.headers.items():
            name = name.lower()
            # http.client read the bytes as Latin-1; show UTF-8 as such.
            value = value.encode("latin-1", "replace").decode(
                "utf-8", "replace")
            headers[name] = (headers[name] + ", " + value
                             if name in headers else value)
        entry = {"method": self.command, "path": self.path,
                 "headers": headers}
        try:
            entry["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            entry["body"] = body.decode("utf-8", "replace")
            entry["body_base64"] = base64.b64encode(body).decode("ascii")
        entry["conn"] = "%s:%d" % self.client_address[:2]
        entry["t"] = time.time()
        self.server.state.write_record(entry)

    # -- writing ------------------------------------------------------------

    def head(self, status, headers):
        lines = ["HTTP/1.1 %d %s" % (status, reason(status))]
        lines += ["%s: %s" % (k, v) for k, v in headers]
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))

    def base_headers(self, ctype):
        h = [("date", email.utils.formatdate(usegmt=True)),
             ("content-type", ctype)]
        if self.close_connection:
            h.append(("connection", "close"))
        else:
            h.append(("connection", "keep-alive"))
        return h

    def api_headers(self, ctype):
        return self.base_headers(ctype) + [
            ("openai-organization", "user-mock"),
            ("openai-processing-ms", "42"),
            ("openai-version", "2020-10-01"),
            ("x-ratelimit-limit-requests", "10000"),
            ("x-ratelimit-limit-tokens", "30000000"),
            ("x-ratelimit-remaining-requests", "9999"),
            ("x-ratelimit-remaining-tokens", "29999950"),
            ("x-ratelimit-reset-requests", "6ms"),
            ("x-ratelimit-reset-tokens", "0s"),
            ("x-request-id", "req_" + secrets.token_hex(16))]

    def send_plain(self, status, ctype, body, extra=()):
        h = self.api_headers(ctype) + [("content-length", str(len(body)))]
        self.head(status, override(h, dict(extra)))
        self.wfile.write(body)

    def send_json(self, status, value, indent=2):
        self.send_plain(status, "application/json", dumps(value, indent))

    def wait_client_gone(self):
        """Hold the connection, answering nothing, until the client leaves."""
        self.close_connection = True
        sock = self.connection
        sock.settimeout(0.2)
        while not self.server.state.stop.is_set():
            try:
                if not sock.recv(65536):
                    return
            except socket.timeout:
                continue
            except OSError:
                return

    def cut(self):
        """Close now: a FIN after the bytes sent, so the client gets them."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # -- routing ------------------------------------------------------------

    def route(self):
        path = self.path.split("?", 1)[0]
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            self.send_json(400, {"error": {"message": "bad request framing",
                                           "type": "invalid_request_error",
                                           "param": None, "code": None}})
            return
        if path.startswith("/_mock/"):
            self.control(path, body)
            return
        self.record(body)
        if self.server.state.latency:
            time.sleep(self.server.state.latency)
        if not self.headers.get("authorization"):
            self.send_json(401, {"error": {
                "message": NO_KEY, "type": "invalid_request_error",
                "param": None, "code": None}}, indent=4)
        elif path == "/v1/chat/completions" and self.command == "POST":
            self.chat(body)
        elif path == "/v1/files" and self.command == "POST":
            self.upload(body)
        elif path == "/v1/batches" and self.command == "POST":
            self.batch(body)
        elif path == "/v1/models" and self.command == "GET":
            self.send_json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 1715367049,
                 "owned_by": "system"} for m in MODELS]})
        else:
            self.send_json(404, {"error": {
                "message": "Invalid URL (%s %s)" % (self.command, path),
                "type": "invalid_request_error", "param": None,
                "code": None}}, indent=4)

    def upload(self, body):
        """POST /v1/files (multipart): keep the file in DIR/files/ID."""
        ctype = self.headers.get("content-type", "")
        boundary = ctype.split("boundary=", 1)[-1].strip('"').encode()
        content, purpose = b"", ""
        for part in body.split(b"--" + boundary):
            head, _, data = part.partition(b"\r\n\r\n")
            data = data[:-2] if data.endswith(b"\r\n") else data
            if b'name="file"' in head:
                content = data
            elif b'name="purpose"' in head:
                purpose = data.decode("utf-8", "replace")
        fid = new_id("file-", 24)
        os.makedirs(os.path.join(self.server.state.dir, "files"), exist_ok=True)
        with open(os.path.join(self.server.state.dir, "files", fid), "wb") as f:
            f.write(content)
        self.send_json(200, {"id": fid, "object": "file", "bytes": len(content),
                             "created_at": int(time.time()),
                             "filename": "batch.jsonl", "purpose": purpose})

    def batch(self, body):
        """POST /v1/batches: accept the batch; nothing is run."""
        try:
            req = json.loads(body)
        except ValueError:
            req = {}
        self.send_json(200, {"id": new_id("batch_", 24), "object": "batch",
                             "endpoint": req.get("endpoint"),
                             "input_file_id": req.get("input_file_id"),
                             "completion_window": req.get("completion_window"),
                             "status": "validating",
                             "created_at": int(time.time())})

    def control(self, path, body):
        state = self.server.state
        try:
            arg = json.loads(body) if body.strip() else None
        except ValueError:
            self.send_json(400, {"error": "the body is not JSON"})
            return
        if path == "/_mock/ping":
            self.send_json(200, {"ok": True})
        elif path == "/_mock/script":
            if not isinstance(arg, list) or not all(
                    isinstance(s, dict) for s in arg):
                self.send_json(400, {"error": "want an array of objects"})
                return
            with state.lock:
                state.script.extend(arg)
                n = len(state.script)
            self.send_json(200, {"queued": n})
        elif path == "/_mock/chaos":
            if not isinstance(arg, dict):
                self.send_json(400, {"error": "want an object"})
            elif arg.get("off"):
                with state.lock:
                    state.chaos = None
                self.send_json(200, {"chaos": False})
            else:
                c = {"seed": arg.get("seed", 0), "k": 0}
                for key in ("p429", "p500", "pcut", "latency_ms"):
                    c[key] = float(arg.get(key, 0))
                with state.lock:
                    state.chaos = c
                self.send_json(200, {"chaos": True})
        elif path == "/_mock/reset":
            with state.lock:
                state.script.clear()
                state.chaos = None
            if isinstance(arg, dict) and arg.get("record"):
                state.clear_record()
            self.send_json(200, {"reset": True})
        else:
            self.send_json(404, {"error": "no such control endpoint"})

    # -- the chat answer ----------------------------------------------------

    def chat(self, raw):
        spec = self.server.state.next_spec()
        if spec.get("delay_ms"):
            time.sleep(float(spec["delay_ms"]) / 1000.0)
        if spec.get("hang"):
            self.wait_client_gone()
            return
        if spec.get("redirect"):
            self.head(307, override(
                self.api_headers("application/json") +
                [("location", spec["redirect"]), ("content-length", "0")],
                spec.get("headers") or {}))
            return

        status = int(spec.get("status", 200))
        try:
            req = json.loads(raw)
        except ValueError:
            req = None
        ok = 200 <= status < 300
        stream = False
        ctype = "application/json"
        if spec.get("not_json"):
            ctype, body = "text/html; charset=utf-8", HTML_PAGE
        elif "body" in spec:
            b = spec["body"]
            body = b.encode("utf-8") if isinstance(b, str) else dumps(b, 2)
            stream = bool(spec.get("stream"))
        elif ok and not isinstance(req, dict):
            status, body = 400, dumps({"error": {
                "message": BAD_JSON, "type": "invalid_request_error",
                "param": None, "code": None}}, 4)
        elif not ok:
            body = dumps(error_body(status, spec), 4)
        else:
            answer = Answer(req, spec)
            stream = spec.get("stream",
                              "events" in spec or req.get("stream") is True)
            if stream:
                body = None
                events = spec.get("events")
                if events is None:
                    events = answer.events()
            else:
                body = dumps(answer.completion(), 2)
        if stream:
            ctype = "text/event-stream; charset=utf-8"
            if body is not None:
                events = [body.decode("utf-8", "surrogateescape")]
            pieces = self.sse_pieces(events, spec)
        else:
            pieces = [body]
        self.send_answer(status, ctype, pieces, stream, spec)

    def sse_pieces(self, events, spec):
        """Event texts to the bytes of each write, as the spec bends them."""
        events = [str(e) for e in events]
        if spec.get("comments"):
            spaced = []
            for e in events:
                if spaced:
                    spaced.append(": keep-alive\n\n")
                spaced.append(e)
            events = spaced
        if spec.get("crlf"):
            events = [e.replace("\r\n", "\n").replace("\n", "\r\n")
                      for e in events]
        return [e.encode("utf-8", "surrogateescape") for e in events]

    def send_answer(self, status, ctype, pieces, stream, spec):
        data = b"".join(pieces)
        if spec.get("split"):
            pieces = split_at(data, spec["split"])
        elif spec.get("split_every"):
            k = max(1, int(spec["split_every"]))
            pieces = [data[i:i + k] for i in range(0, len(data), k)] or [b""]
        delay = float(spec.get("chunk_delay_ms", 0)) / 1000.0
        if spec.get("trickle_ms"):
            pieces = [data[i:i + 1] for i in range(len(data))]
            delay = float(spec["trickle_ms"]) / 1000.0
        cut = spec.get("cut_after")
        if spec.get("cut_half"):
            cut = len(data) // 2

        h = self.api_headers(ctype)
        if stream:
            h.append(("transfer-encoding", "chunked"))
        else:
            # The full length, even when cut_after sends less: a cut body
            # is then visibly short to the client.
            h.append(("content-length", str(len(data))))
        self.head(status, override(h, spec.get("headers") or {}))
        if spec.get("headers_only"):
            self.wait_client_gone()
            return

        sent = 0
        for i, piece in enumerate(pieces):
            if cut is not None:
                piece = piece[:max(0, int(cut) - sent)]
            if piece:
                if stream:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
            sent += len(piece)
            if cut is not None and sent >= int(cut):
                break
            if delay and i < len(pieces) - 1:
                time.sleep(delay)
        if cut is not None:
            # Even when all was sent: a stream then lacks its last chunk.
            self.cut()
            return
        if stream:
            self.wfile.write(b"0\r\n\r\n")


def override(headers, extra):
    """Replace headers by name, whatever the case; a None value removes."""
    extra = {k.lower(): (k, v) for k, v in extra.items()}
    out = [(k, v) for k, v in headers if k.lower() not in extra]
    out += [(k, str(v)) for k, v in extra.values() if v is not None]
    return out


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256    # bursts of many connections at once
    allow_reuse_address = True


def watch(pid, stop):
    """End with the process that started us, even if it cannot say so."""
    while not stop.wait(0.5):
        try:
            os.kill(pid, 0)
            # Dead but not yet reaped still answers kill(pid, 0).
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    stop.set()
        except ProcessLookupError:
            stop.set()
        except (OSError, IndexError):
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--watch-pid", type=int)
    args = ap.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    state = State(args.dir, args.latency_ms)
    server = Server(("127.0.0.1", args.port), Handler)
    server.state = state

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: state.stop.set())
    threading.Thread(target=server.serve_forever, kwargs={
        "poll_interval": 0.1}, daemon=True).start()
    if args.watch_pid:
        threading.Thread(target=watch, args=(args.watch_pid, state.stop),
                         daemon=True).start()

    # Written whole under another name, so a reader never sees half a port.
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)
    state.say("listening on port %d" % server.server_address[1])

    while not state.stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    state.say("stopped")
    sys.stdout.flush()
    # Threads still holding connections (hang, headers_only) end with us.
    os._exit(0)


if __name__ == "__main__":
    main()
