#!/usr/bin/env python3
"""Write N realistic Chat Completions responses as JSONL, deterministically.

    python3 bench/gen-responses.py N > FILE

The same N always gives the same bytes, and the first K lines of a run with
N > K are the lines of a run with N = K, so a 20,000-line file is a prefix of
the 200,000-line one.  200,000 responses make about 220 MB.

Each line is a `chat.completion` as the API returns it: id, created, a dated
model snapshot, one choice with the assistant's text (prose, lists, code,
quotes, escapes, accented letters, CJK and emoji), finish_reason, and usage
with prompt/completion token details (cached prompt tokens, reasoning tokens
for the o-series).  Every model is in the price table with a fixed price, so
the jq cost program in bench/cost.jq prices the same items the same way.
"""

import json
import random
import string
import sys

# Model snapshot as the API names it in responses; weights roughly as a
# mixed workload would see them.
MODELS = [
    ("gpt-4o-mini-2024-07-18", 30),
    ("gpt-4o-2024-08-06", 20),
    ("gpt-4.1-mini-2025-04-14", 15),
    ("gpt-4.1-2025-04-14", 10),
    ("gpt-4.1-nano-2025-04-14", 8),
    ("gpt-3.5-turbo-0125", 7),
    ("o1-mini-2024-09-12", 5),
    ("o3-mini-2025-01-31", 5),
]
REASONING = ("o1-", "o3-")
# Prompt caching (cached_tokens) exists for every model here but gpt-3.5.

WORDS = (
    "the of and to in is that for it as with on be by this are from or an at "
    "which you your can will data request response model token tokens price "
    "function value string array object field error retry stream chunk line "
    "file output input result example server client latency cost budget "
    "message system user assistant content choice usage cache prompt answer "
    "question review summary because however therefore first second finally "
    "should would could must might also only more most each every other such "
    "use using used make makes made write writes read reads call calls return "
    "parse parses check checks test tests build builds run runs time memory"
).split()
ODD = ["café", "naïve", "Zürich", "façade", "日本語", "こんにちは", "数据", "🙂",
       "🚀", "—", "“quoted”", "½", "€12.50", "Ωmega"]
CODE = [
    'def add(a, b):\n    return a + b\n',
    'for (i = 0; i < n; i++)\n\tsum += v[i];\n',
    'curl -s "$URL" | jq -r \'.choices[0].message.content\'\n',
    'const x = {"key": "value", "n": 42};\n',
    'printf("%s\\n", buf);\n',
]


def sentence(rng):
    n = rng.randint(6, 22)
    words = []
    for _ in range(n):
        if rng.random() < 0.03:
            words.append(rng.choice(ODD))
        else:
            words.append(rng.choice(WORDS))
    s = " ".join(words)
    s = s[0].upper() + s[1:]
    if rng.random() < 0.1:
        s += ' "' + rng.choice(WORDS) + '"'
    return s + rng.choice([".", ".", ".", "?", "!", ":"])


def content(rng, target):
    """Assistant text of about target bytes, in the shapes answers take."""
    parts = []
    size = 0
    while size < target:
        r = rng.random()
        if r < 0.6:
            p = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
        elif r < 0.8:
            p = "\n".join("%s %s" % (rng.choice(["-", "*", "1."]), sentence(rng))
                          for _ in range(rng.randint(2, 5)))
        elif r < 0.9:
            p = "```\n" + rng.choice(CODE) + "```"
        else:
            p = "**" + sentence(rng) + "**"
        parts.append(p)
        size += len(p.encode()) + 2
    return "\n\n".join(parts)


def response(rng, i):
    model = rng.choices([m for m, _ in MODELS], [w for _, w in MODELS])[0]
    # Answer length: mostly short to medium, with a long tail.
    target = int(min(rng.lognormvariate(5.82, 0.6), 6000))
    text = content(rng, target)
    completion = max(1, len(text.encode()) // 4 + rng.randint(-5, 5))
    prompt = rng.randint(12, 4000)
    cached = 0
    if prompt >= 1024 and rng.random() < 0.3 and not model.startswith("gpt-3.5"):
        cached = (rng.randint(1024, prompt) // 128) * 128
    reasoning = 0
    if model.startswith(REASONING):
        reasoning = rng.randint(64, 2048)
        completion += reasoning
    finish = "length" if rng.random() < 0.02 else "stop"
    rid = "chatcmpl-" + "".join(rng.choice(string.ascii_letters + string.digits)
                                for _ in range(29))
    return {
        "id": rid,
        "object": "chat.completion",
        "created": 1735689600 + i * 7 + rng.randint(0, 6),
        "model": model,
        "choices": [{
            "index": 0,
            "message": {
                "role": "assistant",
                "content": text,
                "refusal": None,
                "annotations": [],
            },
            "logprobs": None,
            "finish_reason": finish,
        }],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": reasoning,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": "fp_%010x" % rng.getrandbits(40),
    }


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("usage: gen-responses.py COUNT > FILE")
    n = int(sys.argv[1])
    out = sys.stdout.buffer
    enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    for i in range(n):
        # One generator per line: line i is the same whatever the count.
        rng = random.Random(0x5EED0000 + i)
        out.write(enc.encode(response(rng, i)).encode() + b"\n")


if __name__ == "__main__":
    main()
