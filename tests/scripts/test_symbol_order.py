"""scripts/lib/symbol_order.py, which turns valgrind lackey traces into the static build's
symbol order, on a made-up executable image and trace. No stack needed."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("symbol_order", ROOT / "scripts/lib/symbol_order.py")
symbol_order = importlib.util.module_from_spec(spec)
sys.modules["symbol_order"] = symbol_order
spec.loader.exec_module(symbol_order)

IMAGE = symbol_order.Image(
    symbols=[(0x1000, 0x10, "T", "_start"), (0x1010, 0x20, "T", "main"), (0x1030, 0x40, "t", "_dl_relocate_static_pie"),
             (0x1070, 0x10, "T", "never_run"), (0x5000, 0x8, "d", "in_relro"), (0x6000, 0x10, "D", "counter"),
             (0x7000, 0x100, "B", "cache")],
    sections={".text": (0x1000, 0x2000), ".data.rel.ro": (0x5000, 0x6000), ".data": (0x6000, 0x7000),
              ".bss": (0x7000, 0x8000)})


def test_first_touch_order_relative_to_the_load_address():
    base = 0x7F0000000000
    trace = [line % (base + offset) for line, offset in (
        ("==1== Lackey, an example Valgrind tool %x", 0),
        ("I  %x,4", 0x1000),                  # the entry point: gives the base
        ("I  %x,3", 0x1034),                  # relocation code...
        (" S %x,8", 0x6004),                  # ...writing data: not counted
        ("I  %x,5", 0x1010),
        (" L %x,8", 0x5000),                  # .data.rel.ro: touched by relocation anyway
        (" M %x,8", 0x7010),
        (" S %x,8", 0x6008),
        ("I  %x,4", 0x1012),                  # main again: listed once
        (" L %x,8", 0x9000),                  # no symbol there
    )]
    assert symbol_order.touched(IMAGE, trace) == ["_start", "_dl_relocate_static_pie", "main", "cache", "counter"]
