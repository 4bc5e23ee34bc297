"""Soak and secrets checks of the Python binding (run by tests/hardening/run.sh).

    python3 soak.py soak N       N mixed calls on one client against $PS_URL; prints the RSS
                                 after warm-up and at the end, fails when it grew > 10 MiB
    python3 soak.py secrets      every error of a create with a new-user password (under
                                 faults), str/repr of errors and client: no key, no password

PAPERSPACE_LIB points at the library; PS_API_KEY is the key the emulator knows.
Ends with the plain 'N passed, N failed' line.
"""
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "python", "src"))
import paperspace_core as ps  # noqa: E402

URL = os.environ["PS_URL"]
KEY = os.environ.get("PS_API_KEY", "emulator-admin-key")
PASSWORD = "Py-Hardening-Pw-8c1e2f"
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def add_fault(fault):
    req = urllib.request.Request(URL + "/__emulator/faults", data=json.dumps(fault).encode(),
                                 method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()


def one(client, k):
    i = k % 7
    if i == 0:
        return client.templates.list(label="Ubuntu 18.04 Server")
    if i == 1:
        return client.machines.list(limit=5)
    if i == 2:
        return client.users.list()
    if i == 3:
        return client.machines.availability(region="Europe (AMS1)", machine_type="V100")
    try:
        if i == 4:
            client.machines.show("psnone")
        elif i == 5:
            client.call("machines_create", {"size": 1})
        else:
            client.call("users_list", {"nosuchfilter": 1})
    except ps.PaperspaceError:
        return None
    raise AssertionError("call %d should have failed" % k)


def soak(n):
    with ps.Client(KEY, URL) as client:
        warm = min(n // 10, 1000)
        for k in range(warm):
            one(client, k)
        start = rss_kib()
        for k in range(warm, n):
            one(client, k)
        end = rss_kib()
    print(f"soak python: calls={n} rss_start_kib={start} rss_end_kib={end} growth_kib={end - start}")
    check(end - start <= 10 * 1024, f"RSS grew by {end - start} KiB")


def secrets():
    outputs = []
    with ps.Client(KEY, URL, max_retries=1, timeout=2) as client:
        outputs.append(repr(client))
        faults = [
            {"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated", "status": 500},
            {"path": "/machines/createSingleMachinePublic", "stage": "afterUserCreated", "action": "close"},
            {"path": "/machines/createSingleMachinePublic", "action": "garbage"},
            {"path": "/machines/createSingleMachinePublic", "status": 200, "body": "[]"},
            None,
        ]
        for i, fault in enumerate(faults):
            if fault:
                add_fault(fault)
            try:
                r = client.call("machines_create", {
                    "region": "East Coast (NY2)", "machineType": "C4", "size": 50 if fault else 5,
                    "billingType": "hourly", "machineName": f"py{i}", "templateId": "t04azgph",
                    "email": f"py{i}@example.com", "password": PASSWORD, "firstName": "P",
                    "lastName": "Y"})
                outputs.append(json.dumps(r))
            except ps.PaperspaceError as e:
                outputs += [str(e), repr(e), repr(e.__dict__), repr(e.args)]
    for bad in ("k\r\nX-Injected: 1", "k\n", "k\x00"):
        try:
            ps.Client(bad, URL)
            check(False, "a key with control characters was accepted")
        except ps.PaperspaceError as e:
            check(type(e).__name__ == "ConfigError", f"CR/LF key gives {type(e).__name__}")
            outputs += [str(e), repr(e)]
    for text in outputs:
        check(KEY not in text and PASSWORD not in text, "a secret leaked: " + text[:300])
    check(len(outputs) > 10, "outputs were captured")


if __name__ == "__main__":
    if sys.argv[1] == "soak":
        soak(int(sys.argv[2]))
    else:
        secrets()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
