#!/usr/bin/env python3
"""Turn hyperfine's --export-json files into the Markdown tables of RESULTS.md.

    python3 bench/summarize.py times FILE.json [--bytes N] [--base NAME]
    python3 bench/summarize.py mem FILE.tsv

`times`: one row per command: median, mean +- sd, min and max in ms, and
the median relative to the first command (or to --base NAME); with --bytes N
(the input size) also MB/s at the median (MB = 10^6 bytes).
`mem`: FILE.tsv has lines `name<TAB>input<TAB>peak-KiB<TAB>seconds` (from
/usr/bin/time -f); printed as a table in MiB.
"""

import json
import sys


def cell(s):
    """A command in a table cell: a | would end the cell."""
    return s.replace("|", "\\|")


def ms(s):
    return "%.2f" % (s * 1000) if s < 10 else "%.0f" % (s * 1000)


def times(path, nbytes=None, base=None):
    res = json.load(open(path))["results"]
    ref = res[0]
    for r in res:
        if base is not None and r["command"] == base:
            ref = r
    head = "| command | median ms | mean ± sd ms | min ms | max ms | runs | vs %s |" % cell(ref["command"])
    sep = "|---|--:|--:|--:|--:|--:|--:|"
    if nbytes:
        head += " MB/s |"
        sep += "--:|"
    print(head)
    print(sep)
    for r in res:
        row = "| `%s` | %s | %s ± %s | %s | %s | %d | %.2fx |" % (
            cell(r["command"]), ms(r["median"]), ms(r["mean"]), ms(r["stddev"] or 0),
            ms(r["min"]), ms(r["max"]), len(r["times"]), r["median"] / ref["median"])
        if nbytes:
            row += " %.1f |" % (nbytes / 1e6 / r["median"])
        print(row)


def mem(path):
    print("| program | input | peak RSS MiB | seconds |")
    print("|---|---|--:|--:|")
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) != 4:
            continue
        print("| `%s` | %s | %.1f | %s |" % (cell(f[0]), cell(f[1]), int(f[2]) / 1024, f[3]))


def main():
    a = sys.argv[1:]
    if len(a) >= 2 and a[0] == "times":
        nbytes = base = None
        rest = a[2:]
        while rest:
            if rest[0] == "--bytes":
                nbytes = int(rest[1])
            elif rest[0] == "--base":
                base = rest[1]
            else:
                sys.exit("summarize: unknown argument " + rest[0])
            rest = rest[2:]
        times(a[1], nbytes, base)
    elif len(a) == 2 and a[0] == "mem":
        mem(a[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
