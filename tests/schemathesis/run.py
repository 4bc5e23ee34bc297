#!/usr/bin/env python3
"""A property-based run of schemathesis (from PyPI) against the emulator's OpenAPI description.

Starts the emulator, creates a machine and a script (and one of each for destroy) so that the
operations naming one reach it, then runs `schemathesis run` on every operation but the fault
queue's POST (faults are 5xx on purpose) with the administrator's key, the checks
`not_a_server_error` and `response_schema_conformance`, and a bounded number of examples per
operation. Exits 0 when schemathesis finds nothing, the emulator is still up, and every
operation of the description was called.

Environment: EMULATOR (the binary; default target/emulator/release/paperspace-emulator),
SCHEMATHESIS_EXAMPLES (per operation, default 30), SCHEMATHESIS_SEED (default 1: a run is
reproducible; any other seed explores further), OUT (default target/schemathesis, where the
emulator's log and schemathesis's output go).
"""

import json
import os
import re
import select
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EMULATOR = os.environ.get("EMULATOR") or os.path.join(
    ROOT, "target", "emulator", "release", "paperspace-emulator"
)
OUT = os.environ.get("OUT") or os.path.join(ROOT, "target", "schemathesis")
EXAMPLES = os.environ.get("SCHEMATHESIS_EXAMPLES", "30")
SEED = os.environ.get("SCHEMATHESIS_SEED", "1")
ADMIN_KEY = "emulator-admin-key"
# Injecting faults makes 5xx answers on purpose: the one operation left out.
LEFT_OUT = "emulatorAddFaults"
# The whole run, far above its usual 20-30 s, so that a hang cannot stall make test.
RUN_TIMEOUT_S = 300


def fail(message):
    print(f"schemathesis run: {message}", file=sys.stderr)
    sys.exit(1)


def start_emulator(log):
    proc = subprocess.Popen(
        [EMULATOR, "--listen", "127.0.0.1:0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=log,
    )
    ready, _, _ = select.select([proc.stdout], [], [], 20)
    line = proc.stdout.readline() if ready else b""
    try:
        return proc, json.loads(line)["url"]
    except (ValueError, KeyError):
        proc.kill()
        fail(f"the emulator did not print its URL (got {line!r})")


def call(url, path, body=None):
    request = urllib.request.Request(
        url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"x-api-key": ADMIN_KEY, "content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as e:
        fail(f"{path}: {e.code} {e.read()[:300]!r}")


def fixtures(url):
    """Ids for the operations that name a machine or a script (schemathesis.toml)."""

    def machine(name):
        body = {
            "region": "East Coast (NY2)",
            "machineType": "C2",
            "size": 50,
            "billingType": "hourly",
            "machineName": name,
            "templateId": "t04azgph",
        }
        return call(url, "/machines/createSingleMachinePublic", body)["id"]

    def script(name):
        body = {"scriptName": name, "scriptText": "#!/bin/sh\necho ready\n"}
        return call(url, "/scripts/createScript", body)["id"]

    return {
        "ST_MACHINE_ID": machine("schemathesis"),
        "ST_DOOMED_MACHINE_ID": machine("schemathesis destroy"),
        "ST_SCRIPT_ID": script("schemathesis"),
        "ST_DOOMED_SCRIPT_ID": script("schemathesis destroy"),
    }


def operations():
    """Every (method, path template) the description has, but the one left out."""
    with open(os.path.join(ROOT, "docs", "openapi.json")) as f:
        paths = json.load(f)["paths"]
    return {
        (method.upper(), path)
        for path, ops in paths.items()
        for method, op in ops.items()
        if op.get("operationId") != LEFT_OUT
    }


def uncalled(url):
    """The operations the emulator's route counters never saw."""
    with urllib.request.urlopen(url + "/__emulator/stats", timeout=10) as response:
        routes = json.loads(response.read())["routes"]
    # The stats name routes as `POST /machines/:machineId/start`.
    seen = set()
    for label in routes:
        method, _, route = label.partition(" ")
        parts = [
            "{" + p[1:] + "}" if p.startswith(":") else p for p in route.split("/")
        ]
        seen.add((method, "/".join(parts)))
    # The control endpoints are not counted.
    return sorted(
        op for op in operations() - seen if not op[1].startswith("/__emulator/")
    )


def main():
    if not os.access(EMULATOR, os.X_OK):
        fail(f"no emulator at {EMULATOR}: run 'make emulator' first")
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        fail(
            "schemathesis is not installed: python3 -m pip install schemathesis==4.32.5 "
            "(.ci/run does)"
        )
    os.makedirs(OUT, exist_ok=True)
    log = open(os.path.join(OUT, "emulator.log"), "wb")
    proc, url = start_emulator(log)
    try:
        env = dict(os.environ, **fixtures(url))
        command = [
            sys.executable,
            "-c",
            "from schemathesis.cli import schemathesis; schemathesis()",
            "--config-file",
            os.path.join(HERE, "schemathesis.toml"),
            "run",
            f"{url}/__emulator/openapi.json",
            "--url",
            url,
            "--header",
            f"x-api-key: {ADMIN_KEY}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            EXAMPLES,
            "--seed",
            SEED,
            "--exclude-operation-id",
            LEFT_OUT,
            "--request-timeout",
            "10",
            # No example database: the same seed gives the same run.
            "--generation-database",
            "none",
            "--no-color",
        ]
        started = time.monotonic()
        output_path = os.path.join(OUT, "schemathesis.out")
        with open(output_path, "wb") as output:
            try:
                code = subprocess.run(
                    command, env=env, cwd=OUT, stdout=output, stderr=subprocess.STDOUT,
                    timeout=RUN_TIMEOUT_S, check=False,
                ).returncode
            except subprocess.TimeoutExpired:
                fail(f"schemathesis did not finish in {RUN_TIMEOUT_S} s ({output_path})")
        with open(output_path, errors="replace") as f:
            text = f.read()
        # Its closing lines: cases generated, the seed, and the verdict.
        closing = re.compile(r"^\s*(\d+ generated|Seed:|=+ .* in [0-9.]+s =+$)")
        summary = [line.strip() for line in text.splitlines() if closing.match(line)]
        print("\n".join(summary))
        print(f"schemathesis: {time.monotonic() - started:.0f} s, exit {code}")
        if code != 0:
            print(text[-6000:])
            fail(f"schemathesis found problems (whole output: {output_path})")
        if proc.poll() is not None:
            fail(f"the emulator exited ({proc.returncode}) during the run")
        missing = uncalled(url)
        if missing:
            fail(f"operations never called: {missing}")
        print("every operation called, no 5xx, every answer matches the description")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


if __name__ == "__main__":
    main()
