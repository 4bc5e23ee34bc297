"""What each layer of the Python binding adds to a call, measured against a real server.

    python3 benches/python/layers.py URL [BLOCKS] [templates|create]

Runs, in one process, the call at each depth of the binding, from the raw ctypes call (one
``ps_call``, one ``str``, one ``json.loads``) to the public method, in blocks of 20 calls whose
order is shuffled every time, and prints the median time per call of each and its difference to
the raw call. Interleaving blocks this short is what makes differences of a microsecond or two
visible on a noisy machine, where separate runs drift by more than that. Pin it with the server
to compare with `make bench` (docs/PERFORMANCE.md, "Python binding"):

    taskset -c 0 target/bench/release/server --templates benches/fixtures/templates10.json \\
        --machine benches/fixtures/machine.json &     # prints {"url": ...}
    PYTHONPATH=bindings/python/src taskset -c 0 python3 benches/python/layers.py URL
"""

from __future__ import annotations

import ctypes
import json
import random
import statistics
import sys
import time
from typing import Any, Callable, Dict

import paperspace_core
from bench import API_KEY  # the bench's own key and parameters (this directory)
from bench import CREATE as _CREATE
from paperspace_core import _decode, _ffi

CREATE: Dict[str, Any] = _CREATE


def layers(url: str, op: str) -> Dict[str, Callable[[], Any]]:
    client = paperspace_core.Client(API_KEY, url)
    native, lib = client._native, _ffi.lib
    ptr, text_at, loads, scan = native._ptr, _ffi.text_at, json.loads, _decode.loads
    call, free, out = lib.ps_call, lib.ps_string_free, ctypes.c_void_p()
    ref = ctypes.byref(out)
    create_json = json.dumps(CREATE, separators=(",", ":")).encode()
    name, body = (b"templates_list", None) if op == "templates" else (b"machines_create", create_json)

    def raw() -> Any:
        call(ptr, name, body, None, ref)
        text = text_at(out.value or 0)
        free(out.value)
        return loads(text)

    into, hooks, make = _ffi.call_into, _ffi.hooks, _ffi.make
    status = ctypes.c_int32()

    def with_into() -> Any:  # ps_call_into: the answer a str in the call (the main thread's way)
        return loads(into(ptr, name, body, None, hooks, make, status))

    def with_scan() -> Any:  # + the decode without json.loads' wrapper
        return scan(into(ptr, name, body, None, hooks, make, status))

    def job() -> Any:  # Native.call: + the call's token, its registration with the client
        return scan(native.call(name, body, None)[1] or "")

    def method() -> Any:  # the public method: + parameters, logging check, table lookups
        if op == "templates":
            return client.templates.list()
        return client.machines.create(
            region=CREATE["region"],
            machine_type=CREATE["machineType"],
            size=CREATE["size"],
            billing_type=CREATE["billingType"],
            machine_name=CREATE["machineName"],
            template_id=CREATE["templateId"],
        )

    method.client = client  # type: ignore[attr-defined]  # keeps the client alive
    return {"raw": raw, "ps_call_into": with_into, "+scanner": with_scan, "Native.call": job, "method": method}


def run(variants: Dict[str, Callable[[], Any]], blocks: int, per_block: int = 20) -> None:
    for fn in variants.values():
        for _ in range(200):
            fn()
    names = list(variants)
    times: Dict[str, list[float]] = {k: [] for k in names}
    clock = time.perf_counter_ns
    for _ in range(blocks):
        random.shuffle(names)
        for k in names:
            fn = variants[k]
            started = clock()
            for _ in range(per_block):
                fn()
            times[k].append((clock() - started) / per_block / 1000)
    base = statistics.median(times["raw"])
    for k in variants:
        med = statistics.median(times[k])
        print(f"{k:12s} {med:6.1f} us/call  {med - base:+5.1f} us")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    op = sys.argv[3] if len(sys.argv) > 3 else "templates"
    run(layers(sys.argv[1], op), int(sys.argv[2]) if len(sys.argv) > 2 else 1500)
