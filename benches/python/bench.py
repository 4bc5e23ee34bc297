"""Python clients for `make bench`: the binding (paperspace_core) and what users would
otherwise pick (requests.Session + .json(), http.client + json.loads).

    bench.py run <binding|ctypes|requests|httpclient> <templates|create> URL SECONDS WARMUP
    bench.py threads binding <templates|create> URL SECONDS THREADS
    bench.py once URL          import the binding, one templates list, exit
    bench.py memory binding URL REPEATS   peak RSS growth of one big templates list
    bench.py import            prints the seconds `import paperspace_core` took

Every call decodes the answer into Python objects once (the binding does it inside). `ctypes`
calls the ABI through the binding's own declarations with nothing around it: the binding's floor.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from typing import Any, Callable
from urllib.parse import urlsplit

MAX_CALLS = 5_000_000
API_KEY = "bench-key"
CREATE = {
    "region": "East Coast (NY2)",
    "machineType": "C4",
    "size": 50,
    "billingType": "hourly",
    "machineName": "bench",
    "templateId": "tgdcijpo",
}


def cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def make_call(client: str, op: str, url: str) -> Callable[[], Any]:
    if client == "binding":
        import paperspace_core

        c = paperspace_core.Client(API_KEY, url)
        if op == "templates":
            return lambda: c.templates.list()
        return lambda: c.machines.create(
            region=CREATE["region"],
            machine_type=CREATE["machineType"],
            size=CREATE["size"],
            billing_type=CREATE["billingType"],
            machine_name=CREATE["machineName"],
            template_id=CREATE["templateId"],
        )
    if client == "ctypes":
        # The floor of any ctypes binding: the same library and declarations as the binding,
        # one foreign call, one copy out (the binding's own: straight into a str), one json.loads;
        # no wrapper around them.
        import ctypes

        import paperspace_core
        from paperspace_core import _ffi

        c = paperspace_core.Client(API_KEY, url)
        lib, ptr, text_at, out = _ffi.lib, c._native._ptr, _ffi.text_at, ctypes.c_void_p()
        ref = ctypes.byref(out)
        # ps_call by name, as the binding declares it (its main thread calls ps_call_hooked,
        # which also runs signal handlers while a call waits).
        fn, name, payload = (
            (lib.ps_call, b"templates_list", None)
            if op == "templates"
            else (lib.ps_call, b"machines_create", json.dumps(CREATE, separators=(",", ":")).encode())
        )
        loads, free = json.loads, lib.ps_string_free

        def raw() -> Any:
            status = fn(ptr, name, payload, None, ref)
            text = text_at(out.value)
            free(out.value)
            if status != 0:
                raise RuntimeError(text)
            return loads(text)

        raw.client = c  # type: ignore[attr-defined]  # keeps the client alive
        return raw
    if client == "requests":
        import requests

        s = requests.Session()
        s.headers.update({"x-api-key": API_KEY, "accept": "application/json"})
        templates_url = url + "/templates/getTemplates"
        create_url = url + "/machines/createSingleMachinePublic"

        def req_templates() -> Any:
            r = s.get(templates_url, timeout=30)
            r.raise_for_status()
            return r.json()

        def req_create() -> Any:
            r = s.post(create_url, json=CREATE, timeout=30)
            r.raise_for_status()
            return r.json()

        return req_templates if op == "templates" else req_create
    if client == "httpclient":
        import http.client

        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"x-api-key": API_KEY, "accept": "application/json"}
        post_headers = dict(headers, **{"content-type": "application/json"})

        def hc_templates() -> Any:
            conn.request("GET", "/templates/getTemplates", headers=headers)
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError(f"HTTP {r.status}")
            return json.loads(data)

        def hc_create() -> Any:
            conn.request("POST", "/machines/createSingleMachinePublic", body=json.dumps(CREATE).encode(), headers=post_headers)
            r = conn.getresponse()
            data = r.read()
            if r.status != 200:
                raise RuntimeError(f"HTTP {r.status}")
            return json.loads(data)

        return hc_templates if op == "templates" else hc_create
    raise SystemExit(f"unknown client {client}")


def check(op: str, result: Any) -> None:
    if op == "templates":
        assert isinstance(result, list) and len(result) == 10, result
    else:
        assert isinstance(result, dict) and result.get("id"), result


def pct(sorted_ns: list[int], p: float) -> float:
    if not sorted_ns:
        return 0.0
    return sorted_ns[round((len(sorted_ns) - 1) * p)] / 1000.0


def run(client: str, op: str, url: str, secs: float, warmup: int) -> None:
    call = make_call(client, op, url)
    for _ in range(warmup):
        check(op, call())
    clock = time.perf_counter_ns
    lat: list[int] = []
    push = lat.append
    limit = int(secs * 1e9)
    c0 = cpu_seconds()
    began = t = clock()
    while len(lat) < MAX_CALLS:
        call()
        now = clock()
        push(now - t)
        t = now
        if now - began >= limit:
            break
    wall = (clock() - began) / 1e9
    cpu = cpu_seconds() - c0
    check(op, call())
    lat.sort()
    n = len(lat)
    print(
        json.dumps(
            {
                "client": "python_" + client,
                "op": op,
                "calls": n,
                "secs": round(wall, 3),
                "calls_per_s": round(n / wall, 1),
                "p50_us": round(pct(lat, 0.5), 1),
                "p99_us": round(pct(lat, 0.99), 1),
                "cpu_us": round(cpu * 1e6 / n, 2),
            }
        )
    )


def threads(client: str, op: str, url: str, secs: float, count: int) -> None:
    call = make_call(client, op, url)  # one client shared by every thread
    for _ in range(count * 20):
        check(op, call())
    deadline = time.monotonic() + secs
    counts = [0] * count

    def work(i: int) -> None:
        call()
        n = 0
        while time.monotonic() < deadline and n < MAX_CALLS:
            call()
            n += 1
        counts[i] = n

    workers = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    c0 = cpu_seconds()
    began = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    wall = time.monotonic() - began
    cpu = cpu_seconds() - c0
    total = sum(counts)
    print(
        json.dumps(
            {
                "client": "python_" + client,
                "op": op,
                "threads": count,
                "calls": total,
                "secs": round(wall, 3),
                "calls_per_s": round(total / wall, 1),
                "cpu_us": round(cpu * 1e6 / max(total, 1), 2),
            }
        )
    )


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/self/status")


def memory(client: str, url: str, repeats: int) -> None:
    """Peak RSS growth of one big templates list (?label=big) after a small one, the peak reset
    through /proc/self/clear_refs (as tests/hostile_memory.rs does); then the median time of
    REPEATS more."""
    if client != "binding":
        raise SystemExit(f"memory: unknown client {client}")
    import paperspace_core

    c = paperspace_core.Client(API_KEY, url)
    check("templates", c.templates.list())
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = status_kib("VmHWM:")
    began = time.perf_counter()
    items = len(c.templates.list(label="big"))
    first_ms = (time.perf_counter() - began) * 1e3
    growth = status_kib("VmHWM:") - before
    ms = []
    for _ in range(repeats):
        began = time.perf_counter()
        assert len(c.templates.list(label="big")) == items
        ms.append((time.perf_counter() - began) * 1e3)
    ms.sort()
    print(
        json.dumps(
            {
                "client": "python_" + client,
                "items": items,
                "growth_kib": growth,
                "first_ms": round(first_ms, 2),
                "ms": round(ms[len(ms) // 2] if ms else first_ms, 2),
                "repeats": repeats,
            }
        )
    )


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[0] == "once":
        import paperspace_core

        with paperspace_core.Client(API_KEY, argv[1]) as c:
            check("templates", c.templates.list())
        return
    if argv == ["import"]:
        t = time.perf_counter()
        import paperspace_core  # noqa: F401

        print(f"{time.perf_counter() - t:.6f}")
        return
    if len(argv) == 4 and argv[0] == "memory":
        memory(argv[1], argv[2], int(argv[3]))
        return
    if len(argv) == 6 and argv[0] in ("run", "threads"):
        fn = run if argv[0] == "run" else threads
        fn(argv[1], argv[2], argv[3], float(argv[4]), int(argv[5]))
        return
    raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
