"""Turns the JSON lines benches/run.sh collected into the table of `make bench`.

    python3 benches/report.py RESULTS.jsonl

Each input line is {"kind": ..., ...}. Kinds: machine, server, ceiling, run (one client, one
operation, one round), threads, spawn, import, memory (one client, one round), fleet. Medians are taken over rounds; a ratio to the
floor is computed within each round (client time per call / floor time per call, both measured
minutes apart at most) and its median reported. Targets print PASS or MISS; nothing here fails.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from typing import Any

NAMES = {
    "raw": "raw socket, no HTTP library, no JSON",
    "floor": "floor: ureq Agent + serde_json::Value",
    "rust": "Rust Client, typed",
    "rust_json": "Rust Client, call_json",
    "c": "C ABI from C",
    "go_binding": "Go binding (cgo)",
    "python_binding": "Python binding (ctypes)",
    "python_ctypes": "Python raw ctypes call + json.loads",
    "go_nethttp": "Go net/http + encoding/json",
    "python_requests": "Python requests.Session + .json()",
    "python_httpclient": "Python http.client + json.loads",
}
ORDER = list(NAMES)
OPS = {"templates": "templates list (GET, 10 templates)", "create": "machines create (POST JSON, machine)"}
TARGETS = {"rust": 1.05, "rust_json": 1.05, "c": 1.10, "go_binding": 1.20, "python_binding": 1.35}
# docs/RELIABILITY.md: one call of the library grows the peak RSS by at most 64 MiB.
MEMORY_BOUND_KIB = 64 * 1024
FLEET_NAMES = {"wait_many": "WaitForMachines (machines_wait_many)", "wait_each": "one WaitForMachine per machine"}


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(path: str) -> None:
    rows = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    out: list[str] = []
    verdicts: list[str] = []
    p = out.append

    for m in by_kind["machine"]:
        p(f"machine: {m['cpus']} CPUs, {m['cpu']}, Linux {m['kernel']}")
        p(f"load before: {m['load_before']}")
        p(f"settings: {m['settings']}")
    chosen = ""
    for s in by_kind["server"]:
        chosen = s["chosen"]
        p(f"server: {s['chosen']} ({s['why']}); pinning: {s['pinning']}")
    p("")

    p("server ceiling (raw-socket client, GET templates, no HTTP library, no JSON):")
    for c in by_kind["ceiling"]:
        extra = f", server CPU {c['server_cpu_us']} us/req" if c.get("server_cpu_us") is not None else ""
        lat = f", p50 {c['p50_us']} us, p99 {c['p99_us']} us" if c.get("p50_us") else ""
        p(f"  {c['server']:<12} {c['mode']:<28} {c['calls_per_s']:>10.0f} req/s{lat}{extra}")
    p("")

    runs = by_kind["run"]
    seq_rate: dict[tuple[str, str], float] = {}
    for c in by_kind["ceiling"]:
        if c["server"] == chosen and c["mode"] == "1 connection, sequential":
            seq_rate[("raw", "templates")] = c["calls_per_s"]
    for op, title in OPS.items():
        mine = [r for r in runs if r["op"] == op]
        if not mine:
            continue
        rounds = sorted({r["round"] for r in mine})
        floor_by_round = {r["round"]: r for r in mine if r["client"] == "floor"}
        p(f"{title}: median of {len(rounds)} rounds")
        p(f"  {'client':<36} {'calls/s':>9} {'p50 us':>8} {'p99 us':>8} {'CPU us/call':>12} {'x floor':>8} {'CPU x floor':>12}")
        ratios: dict[str, float] = {}
        for client in ORDER:
            rs = [r for r in mine if r["client"] == client]
            if not rs:
                continue
            per_round = [
                floor_by_round[r["round"]]["calls_per_s"] / r["calls_per_s"] for r in rs if r["round"] in floor_by_round
            ]
            cpu_per_round = [
                r["cpu_us"] / floor_by_round[r["round"]]["cpu_us"] for r in rs if r["round"] in floor_by_round
            ]
            ratio = med(per_round)
            ratios[client] = ratio
            seq_rate[(client, op)] = med([r["calls_per_s"] for r in rs])
            p(
                f"  {NAMES[client]:<36} {seq_rate[(client, op)]:>9.0f} "
                f"{med([r['p50_us'] for r in rs]):>8.1f} {med([r['p99_us'] for r in rs]):>8.1f} "
                f"{med([r['cpu_us'] for r in rs]):>12.1f} {ratio:>7.2f}x {med(cpu_per_round):>11.2f}x"
            )
        p("")
        for client, limit in TARGETS.items():
            if client in ratios:
                ok = ratios[client] <= limit
                verdicts.append(
                    f"{'PASS' if ok else 'MISS'}  {op:<9} {NAMES[client]} <= {limit:.2f}x floor: {ratios[client]:.2f}x"
                )
        if "go_binding" in ratios and "go_nethttp" in ratios:
            ok = ratios["go_binding"] < ratios["go_nethttp"]
            verdicts.append(
                f"{'PASS' if ok else 'MISS'}  {op:<9} Go binding faster than Go net/http + encoding/json: "
                f"{ratios['go_binding']:.2f}x against {ratios['go_nethttp']:.2f}x floor"
            )
        if "python_binding" in ratios and "python_requests" in ratios:
            speedup = ratios["python_requests"] / ratios["python_binding"]
            verdicts.append(
                f"{'PASS' if speedup >= 5 else 'MISS'}  {op:<9} Python binding >= 5x faster than requests.Session: {speedup:.1f}x"
            )

    spawns = by_kind["spawn"]
    if spawns or by_kind["import"]:
        p("one call from a fresh process (new client, one templates list, exit; wall time and max RSS of the child):")
        for s in spawns:
            p(
                f"  {s['what']:<36} wall median {s['wall_ms']:>7.2f} ms (min {s['wall_ms_min']:.2f}, max {s['wall_ms_max']:.2f}), "
                f"max RSS {s['maxrss_kib'] / 1024:.1f} MiB ({s['repeats']} runs)"
            )
            if s["what"] == "C (static libpaperspace.a)":
                ok = s["wall_ms"] <= 5 and s["maxrss_kib_max"] <= 8 * 1024
                verdicts.append(
                    f"{'PASS' if ok else 'MISS'}  fresh C process <= 5 ms and <= 8 MiB: {s['wall_ms']:.2f} ms, "
                    f"{s['maxrss_kib_max'] / 1024:.1f} MiB"
                )
        for i in by_kind["import"]:
            p(f"  import paperspace_core: median {i['ms']:.1f} ms over {i['repeats']} fresh interpreters")
        p("")

    threads = by_kind["threads"]
    if threads:
        p("threads (goroutines) sharing one client, templates list, client and server unpinned: calls/s (median of rounds)")
        p("  best 1: the better of 1 thread unpinned and the pinned sequential run above (unpinned, one thread is")
        p("  sometimes placed on the server's CPU and sometimes not, so 1 thread alone is a noisy base);")
        p("  8 / 1: the median over rounds of 8 threads' rate over 1 thread's in the same round")
        counts = sorted({t["threads"] for t in threads})
        p(f"  {'client':<36} " + " ".join(f"{str(n) + ' thr':>8}" for n in counts) + f" {'best 1':>8} {'8 / 1':>7} {'8 / best 1':>11}")
        for client in ORDER:
            ts = [t for t in threads if t["client"] == client]
            if not ts:
                continue
            rate = {n: med([t["calls_per_s"] for t in ts if t["threads"] == n]) for n in counts}
            if 1 not in rate or 8 not in rate:
                continue
            # 8 against 1 within each round (seconds apart), then the median: like the sequential
            # ratios, it cancels most of a busy machine's drift.
            by_round = {(t["round"], t["threads"]): t["calls_per_s"] for t in ts}
            per_round = [by_round[(r, 8)] / by_round[(r, 1)] for (r, n) in by_round if n == 1 and (r, 8) in by_round]
            eight = med(per_round) if per_round else rate[8] / rate[1]
            best1 = max(rate[1], seq_rate.get((client, "templates"), 0.0))
            p(
                f"  {NAMES[client]:<36} "
                + " ".join(f"{rate[n]:>8.0f}" for n in counts)
                + f" {best1:>8.0f} {eight:>6.2f}x {rate[8] / best1:>10.2f}x"
            )
            if client not in ("floor", "raw"):
                verdicts.append(
                    f"{'PASS' if eight >= 1 else 'MISS'}  8 threads (goroutines) on one client >= 1, "
                    f"{NAMES[client]}: {eight:.2f}x"
                )
                scale = rate[8] / best1
                verdicts.append(
                    f"{'PASS' if scale >= 1.6 else 'MISS'}  8 threads on one client >= 1.6x the best single thread, "
                    f"{NAMES[client]}: {scale:.2f}x"
                )
        p("")

    memory = by_kind["memory"]
    if memory:
        items = max(m["items"] for m in memory)
        p(
            f"memory per call: one templates list answered with {items} templates (just under the 16 MiB body cap), "
            "in a fresh process after one small call"
        )
        p("  growth: peak RSS (VmHWM) growth of that call, the peak reset through /proc/self/clear_refs; time: the")
        p("  first call, and the median of 3 more; medians of rounds")
        p(f"  {'client':<36} {'growth MiB':>10} {'first ms':>9} {'call ms':>8}")
        for client in ORDER:
            ms = [m for m in memory if m["client"] == client]
            if not ms:
                continue
            growth = med([m["growth_kib"] for m in ms])
            p(
                f"  {NAMES[client]:<36} {growth / 1024:>10.1f} {med([m['first_ms'] for m in ms]):>9.1f} "
                f"{med([m['ms'] for m in ms]):>8.1f}"
            )
            if client in ("rust_json", "c"):
                verdicts.append(
                    f"{'PASS' if growth <= MEMORY_BOUND_KIB else 'MISS'}  16 MiB answer, {NAMES[client]}: peak RSS growth "
                    f"{growth / 1024:.1f} MiB <= 64 MiB (docs/RELIABILITY.md)"
                )
        p("")

    fleet = {f["how"]: f for f in by_kind["fleet"]}
    if fleet:
        any_row = next(iter(fleet.values()))
        p(
            f"fleet waits (emulator): {any_row['machines']} machines, created then waited for until ready, "
            f"polled every {any_row['interval_ms']} ms; requests counted by the emulator (/__emulator/stats routes)"
        )
        p("  a wait polls at once and then once per interval: rounds = elapsed / interval + 1, rounded down")
        p(f"  {'how':<36} {'secs':>6} {'requests':>9} {'rounds':>7} {'per round':>10}  routes")
        for how, name in FLEET_NAMES.items():
            if how in fleet:
                f = fleet[how]
                routes = ", ".join(f"{k} {v}" for k, v in sorted(f["routes"].items()))
                p(f"  {name:<36} {f['secs']:>6.2f} {f['requests']:>9} {f['rounds']:>7} {f['per_round']:>10.2f}  {routes}")
        if "wait_many" in fleet:
            many = fleet["wait_many"]
            if "wait_each" in fleet:
                each = fleet["wait_each"]
                p(f"  one wait per machine / WaitForMachines: {each['requests'] / max(many['requests'], 1):.0f}x the requests")
            verdicts.append(
                f"{'PASS' if many['per_round'] <= 2 else 'MISS'}  fleet: waiting for {many['machines']} machines "
                f"<= 2 requests per interval: {many['per_round']:.2f}"
                + (f" (one wait per machine: {fleet['wait_each']['per_round']:.2f})" if "wait_each" in fleet else "")
            )
        p("")

    for m in by_kind["machine_after"]:
        p(f"load after: {m['load_after']}")
    p("")
    p("targets (reported, never enforced):")
    out.extend("  " + v for v in verdicts)
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
