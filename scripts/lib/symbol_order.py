#!/usr/bin/env python3
"""The symbol order of the static build (scripts/lib/static-symbol-order.txt): the functions a
run executes and the writable data it touches, in the order it first touches them, from
valgrind's lackey traces (`--tool=lackey --trace-mem=yes`). The linker lays these out first,
so that a CGI process faults in a few contiguous pages of code and data instead of pages
scattered over a 30 MB executable (docs/BENCHMARKS.md, "CGI mode").

  symbol_order.py EXE TRACE [EXE TRACE ...]   prints the order, first pair first

Relocating the binary at start-up touches every page of .data.rel.ro whatever the order, so
accesses from the relocation code, and to data outside .data and .bss, are left out."""

import bisect
import re
import subprocess
import sys

DATA_SECTIONS = (".data", ".bss", ".tdata", ".tbss")
RELOCATION = "_dl_relocate_static_pie"


class Image:
    """An executable's defined symbols (address, size, nm type, name) and section ranges."""

    def __init__(self, symbols, sections, entry_symbol="_start"):
        self.symbols = sorted(symbols)
        self.starts = [s[0] for s in self.symbols]
        self.sections = sections
        self.entry = next(s[0] for s in self.symbols if s[3] == entry_symbol)

    @classmethod
    def read(cls, exe):
        nm = subprocess.run(["nm", "-S", "--defined-only", "-n", exe], check=True, capture_output=True, text=True).stdout
        symbols = []
        for line in nm.splitlines():
            fields = line.split()
            if len(fields) == 4:
                symbols.append((int(fields[0], 16), int(fields[1], 16), fields[2], fields[3]))
        readelf = subprocess.run(["readelf", "-SW", exe], check=True, capture_output=True, text=True).stdout
        sections = {}
        for line in readelf.splitlines():
            match = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
            if match:
                start = int(match.group(2), 16)
                sections[match.group(1)] = (start, start + int(match.group(3), 16))
        return cls(symbols, sections)

    def symbol_at(self, offset):
        index = bisect.bisect_right(self.starts, offset) - 1
        if index < 0:
            return None
        address, size, _, name = self.symbols[index]
        return name if offset < address + max(size, 1) else None

    def in_data(self, offset):
        return any(name in self.sections and self.sections[name][0] <= offset < self.sections[name][1]
                   for name in DATA_SECTIONS)


def touched(image, trace_lines):
    """Symbol names in first-touch order. Lackey's lines are `I  ADDR,SIZE` for an instruction
    and ` L|S|M ADDR,SIZE` for data; the first instruction is the entry point, which gives the
    address the (position-independent) executable was loaded at."""
    order, seen, base, current = [], set(), None, None
    for line in trace_lines:
        kind = line[:2].strip()
        if kind not in ("I", "L", "S", "M"):
            continue
        address = int(line[3:].split(",", 1)[0], 16)
        if base is None:
            if kind != "I":
                continue
            base = address - image.entry
        offset = address - base
        name = image.symbol_at(offset)
        if kind == "I":
            current = name
        elif current == RELOCATION or not image.in_data(offset):
            continue
        if name and name not in seen:
            seen.add(name)
            order.append(name)
    return order


def main(argv):
    if len(argv) < 3 or len(argv) % 2 == 0:
        print(__doc__, file=sys.stderr)
        return 2
    order, seen = [], set()
    for exe, trace in zip(argv[1::2], argv[2::2]):
        with open(trace) as lines:
            for name in touched(Image.read(exe), lines):
                if name not in seen:
                    seen.add(name)
                    order.append(name)
    sys.stdout.write("".join(name + "\n" for name in order))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
