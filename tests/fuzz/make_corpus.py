#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into tests/fuzz/corpus/<target>/ (committed).

The operations are read from the built library's ps_operations() (PAPERSPACE_LIB, default
target/release/libpaperspace.so: run `make lib` first), in table order; a seed's selector byte
is its operation's index there, as the targets read it. What each operation's seeds are
(parameters, sample answers) is in SEEDS, keyed by the operation's name: an operation of the
library without an entry stops the script, naming it. tests/hostile_inputs.rs checks that the
committed corpus seeds every operation of the table.

Seeds are the API's sample bodies (tests/fixtures and samples below), error bodies, and
parameter and config examples. Re-run after changing the table or the targets' input layout;
libFuzzer adds what it finds to its own working corpus, not here.
"""
import ctypes
import json
import os
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = HERE.parent / "fixtures"
STATUSES = [200, 201, 204, 400, 401, 404, 429, 500, 503]
# abi_operation: this selector byte names the operation in the input (`name\nparams`).
NAMED = 0xFF
# abi_call_cancellable: the first byte, modulo 5: NULL, fresh, triggered, expired, far deadline.
CANCEL_MODES = 5
TARGETS = ["abi_client_new", "abi_operation", "abi_call_cancellable", "decode_responses",
           "decode_models"]


def operations():
    """The operations' names, in the order of ps_operations()."""
    path = os.environ.get("PAPERSPACE_LIB", str(ROOT / "target" / "release" / "libpaperspace.so"))
    if not os.path.exists(path):
        sys.exit(f"make_corpus: {path} is missing: run 'make lib' (or set PAPERSPACE_LIB)")
    lib = ctypes.CDLL(path)
    lib.ps_operations.restype = ctypes.c_char_p
    return [op["name"] for op in json.loads(lib.ps_operations().decode())]


def fixture(name):
    return (FIXTURES / name).read_bytes()


SCRIPT = {"id": "sc123abc", "ownerType": "user", "ownerId": "uq8w3kz5", "name": "nginx",
          "description": "web", "dtCreated": "2019-04-01T10:00:00.000Z", "isEnabled": True,
          "runOnce": False}
MONTH = "2019-04"

# Per operation: "params", parameter sets (the first passes the library's rules; the others
# are near misses and hostile values), and "bodies", sample 2xx answers by label.
SEEDS = {
    "templates_list": {
        "params": [{"os": "Ubuntu 18.04 Server", "label": None}],
        "bodies": {"ListTemplates.json": fixture("ListTemplates.json"),
                   "Templates_TeamTemplate.json": fixture("Templates_TeamTemplate.json")},
    },
    "machines_create": {
        "params": [
            {"region": "East Coast (NY2)", "machineType": "C4", "size": 50, "billingType": "hourly",
             "machineName": "m", "templateId": "t04azgph"},
            json.loads(fixture("Machines_CreateMachine_Request.json")),
            {"region": "East Coast (NY2)", "machineType": "C4", "size": 50, "billingType": "hourly",
             "machineName": "m", "templateId": "t04azgph", "email": "a@b.co", "password": "pw",
             "firstName": "A", "lastName": "B"},
        ],
        "bodies": {"Machines_CreateMachine.json": fixture("Machines_CreateMachine.json")},
    },
    "machines_availability": {
        "params": [{"region": "Europe (AMS1)", "machineType": "GPU+"}],
        "bodies": {"Machines_Availability.json": fixture("Machines_Availability.json")},
    },
    "machines_show": {
        "params": [{"machineId": "psxs9sp8u"}],
        "bodies": {"GetMachinePublic.json": fixture("GetMachinePublic.json"),
                   "Machines_FullLifecycle.json": fixture("Machines_FullLifecycle.json"),
                   "Machines_GetMachine_Create_New.json":
                       fixture("Machines_GetMachine_Create_New.json")},
    },
    "machines_list": {
        "params": [{"state": "ready", "limit": 10, "skip": 0, "networkId": None, "cpus": 2}],
        "bodies": {"Machines_ListMachines.json": fixture("Machines_ListMachines.json")},
    },
    "machines_wait": {
        "params": [{"machineId": "ps1", "state": "READY", "intervalMs": 1, "timeoutMs": 5},
                   {"state": "off"}, {"machineId": "p", "state": "on"},
                   {"machineId": "p", "state": "off", "x": 1}],
        "bodies": {"Machines_FullLifecycle.json": fixture("Machines_FullLifecycle.json"),
                   "Machines_GetMachine_Start_InProgress.json":
                       fixture("Machines_GetMachine_Start_InProgress.json"),
                   "Machines_GetMachine_Restart_InProgress.json":
                       fixture("Machines_GetMachine_Restart_InProgress.json")},
    },
    "machines_start": {"params": [{"machineId": "../users/getUsers"}],
                       "bodies": {"garbage": b"<html>"}},
    "machines_stop": {"params": [{"machineId": ".."}], "bodies": {"garbage": b"<html>"}},
    "machines_restart": {"params": [{"machineId": "ps 1+2/\u00e9"}],
                         "bodies": {"garbage": b"<html>"}},
    "machines_destroy": {"params": [{"machineId": "ps1", "releasePublicIp": True}],
                         "bodies": {"garbage": b"<html>"}},
    "users_list": {
        "params": [{"email": "a@b.co", "firstname": None}],
        "bodies": {"Users_GetUsers.json": fixture("Users_GetUsers.json")},
    },
    "machines_update": {
        "params": [{"machineId": "ps1", "machineName": "n", "shutdownTimeoutInHours": None,
                    "autoSnapshotFrequency": "week", "autoSnapshotSaveCount": 2,
                    "dynamicPublicIp": False},
                   {"machineId": "ps1", "shutdownTimeoutInHours": 0,
                    "autoSnapshotFrequency": "month", "autoSnapshotSaveCount": 0}],
        "bodies": {"garbage": b'{"unexpected": true}'},
    },
    "machines_utilization": {
        "params": [{"machineId": "ps1", "billingMonth": MONTH},
                   {"machineId": "ps1", "billingMonth": "2019-13"}],
        "bodies": {"utilization": json.dumps({
            "machineId": "psxs9sp8u",
            "utilization": {"machineId": "psxs9sp8u", "secondsUsed": 3600.5, "hourlyRate": "0.40",
                            "billingMonth": MONTH},
            "storageUtilization": {"machineId": "psxs9sp8u", "secondsUsed": 2678400,
                                   "monthlyRate": "5.00", "billingMonth": MONTH}}).encode()},
    },
    "machines_set_access": {
        "params": [{"machineId": "ps 1", "userId": "u1", "enableAccess": False},
                   {"machineId": "ps1", "userId": "u1", "enableAccess": "true"}],
        "bodies": {"GetMachinePublic.json": fixture("GetMachinePublic.json")},
    },
    "networks_list": {
        "params": [{"region": "Europe (AMS1)", "teamId": None}],
        "bodies": {"networks": json.dumps([
            {"id": "n123abc", "name": "Default Network", "region": "East Coast (NY2)",
             "dtCreated": "2019-01-10T09:00:00.000Z", "network": "10.64.21.0",
             "netmask": "255.255.255.0", "teamId": "tekq7vm2d"}]).encode()},
    },
    "scripts_create": {
        "params": [{"scriptName": "s", "scriptText": "echo hi"},
                   {"scriptName": "f", "scriptFile": "/dev/null"},
                   {"scriptName": "f", "scriptFile": "/dev/zero"},
                   {"scriptName": "f", "scriptFile": "/nonexistent/script.sh"},
                   {"scriptName": "f", "scriptText": "x", "scriptFile": "/dev/null"}],
        "bodies": {"script": json.dumps(SCRIPT).encode()},
    },
    "scripts_list": {
        "params": [{"isEnabled": True, "ownerType": "team", "runOnce": None}],
        "bodies": {"scripts": json.dumps([SCRIPT]).encode()},
    },
    "scripts_show": {
        "params": [{"scriptId": "../scripts/getScripts"}],
        "bodies": {"script": json.dumps(
            dict(SCRIPT, machines=[{"machineId": "psxs9sp8u", "dtLastRun": None}])).encode()},
    },
    "scripts_text": {"params": [{"scriptId": "sc1"}],
                     "bodies": {"text": b'"apt-get install -y nginx\\n"'}},
    "scripts_destroy": {"params": [{"scriptId": ".."}], "bodies": {"garbage": b"<html>"}},
    "machines_wait_many": {
        "params": [{"machineIds": ["ps1", "pslwpsvsx"], "state": "ready", "intervalMs": 1, "timeoutMs": 5},
                   {"machineIds": [], "state": "off"}, {"machineIds": ["ps1", "ps1"], "state": "off"},
                   {"machineIds": [""], "state": "serviceready"}],
        "bodies": {"Machines_ListMachines.json": fixture("Machines_ListMachines.json")},
    },
    "resource_delegations_create": {
        "params": [{"machine": {"ids": ["ps1", "ps2"]}}, {"machine": {"ids": []}},
                   {"machine": {"ids": [""]}}, {"machine": {"idz": 1}}],
        "bodies": {"delegation": json.dumps([
            {"delegation": {"machine": {"ids": ["psxs9sp8u"]}}, "isEnabled": True,
             "accessTokenId": "tok-0f1e2d3c4b5a", "dtCreated": "2019-04-01T10:00:00.000Z",
             "id": 1234}]).encode()},
    },
}

INVALID = [
    "", "{}", "[]", "null", "{", "{\"machineId\": 42}", "{\"unknown\": 1}",
    "{\"size\": 1e400}", "{\"size\": \"50\"}", "[" * 200, "{\"a\":" * 100,
    "{\"machineId\": \"\\u0000\"}", "{\"machineId\": \"\\ud800\"}", b"{\"machineId\": \"\xff\"}",
    "{\"region\": \"Moon\", \"size\": 5000, \"email\": \"x\", \"userId\": \"u\"}",
    "{\"markSnapshotAsRestorePoint\": true}", "{\"limit\": 0, \"skip\": -1}",
    "{\"state\": \"running\", \"intervalMs\": 0, \"timeoutMs\": -5}",
    "{\"machine\": {\"ids\": \"ps1\"}}", "{\"scriptName\": \"\", \"scriptText\": \"\"}",
]

CONFIGS = [
    {"apiKey": "k", "baseUrl": "http://127.0.0.1:1"},
    {"apiKey": "k", "baseUrl": "https://api.paperspace.io", "timeoutMs": 1, "connectTimeoutMs": 3600000,
     "maxRetries": 10, "userAgent": "ua/1"},
    {"apiKey": "k\r\nX: y", "baseUrl": "http://127.0.0.1:1"},
    {"apiKey": "k", "baseUrl": "http://example.com"},
    {"apiKey": "k", "baseUrl": "http://[::1]:8080/"},
    {"apiKey": "k", "baseUrl": "http://127.0.0.1:1", "maxRetries": 11},
    {"apiKey": "k", "baseUrl": "http://127.0.0.1:1", "timeoutMs": 0},
    {"apiKey": "k", "baseUrl": "http://127.0.0.1:1", "timeoutMs": -1},
    {"apiKey": "k", "baseUrl": "http://127.0.0.1:1", "timeoutMs": 18446744073709551616},
    {"apiKey": 12345, "baseUrl": "http://127.0.0.1:1"},
    {"apikey": "k"},
    {"apiKey": "", "baseUrl": "http://127.0.0.1:1"},
    {"apiKey": "k", "baseUrl": "https://x?y=1#z"},
    {"apiKey": "k", "baseUrl": "ftp://127.0.0.1"},
    {"apiKey": "k", "userAgent": ""},
]

ERRORS = {
    "nested": b'{"error":{"name":"Error","status":404,"message":"Not found."}}',
    "flat": b'{"status":400,"message":"Invalid API token"}',
    "html": b"<html><body>502 Bad Gateway</body></html>",
    "empty": b"",
    "blank": b"  \r\n",
    "string": b'"just a string"',
    "fixture": fixture("404Response.json"),
    "latin1": b'{"message": "caf\xe9"}',
}

WRONG = [b'{"id": 1}', b"[1, 2]", b'{"available": "yes"}', b'[{"name": "no id"}]', b"{}",
         b'{"id": "x", "state": 5, "events": {}}', b"[" * 300, b'{"id": "\\ud800"}']
# Answers a wait reads its machine's progress from.
WAIT_BODIES = [b'{"id":"ps1","state":"off","events":[{"name":"start","state":"error","errorMsg":"boom"}]}',
               b'{"id":"ps1","state":"ready"}']


def text(value):
    return value if isinstance(value, bytes) else value.encode()


def main():
    names = operations()
    missing = [name for name in names if name not in SEEDS]
    if missing:
        sys.exit(f"make_corpus: no SEEDS entry for the operations {missing}: add their params "
                 "and sample answers")
    count = len(names)
    corpus = {target: {} for target in TARGETS}

    def write(target, name, data):
        assert name not in corpus[target], (target, name)
        corpus[target][name] = text(data)

    def decode_selector(op, status):
        return bytes([names.index(op), STATUSES.index(status)])

    # abi_operation: one seed per parameter set, selector = the operation's index.
    for i, op in enumerate(names):
        for k, params in enumerate(SEEDS[op]["params"]):
            suffix = "" if k == 0 else f"-{k}"
            write("abi_operation", f"{op}-valid{suffix}", bytes([i]) + json.dumps(params).encode())
    for j, params in enumerate(INVALID):
        write("abi_operation", f"invalid-{j:02}", bytes([j % count]) + text(params))
    named = {"unknown": b"machines_explode\n{}", "empty": b"\n{}", "upper": b"MACHINES_SHOW\n{}",
             "known": b'machines_show\n{"machineId": "ps1"}', "no-newline": b"templates_list"}
    for label, data in named.items():
        write("abi_operation", f"named-{label}", bytes([NAMED]) + data)

    # abi_call_cancellable: [cancel mode][operation][params]; every mode for a wait and a
    # create, one mode (by index) for the others.
    for i, op in enumerate(names):
        params = json.dumps(SEEDS[op]["params"][0]).encode()
        modes = range(CANCEL_MODES) if op in ("machines_wait", "machines_create") else [i % CANCEL_MODES]
        for mode in modes:
            write("abi_call_cancellable", f"{op}-valid-{mode}", bytes([mode, i]) + params)
    for mode in range(CANCEL_MODES):
        write("abi_call_cancellable", f"invalid-{mode}", bytes([mode, mode]) + b"{\"machineId\": 1}")
        write("abi_call_cancellable", f"empty-{mode}", bytes([mode, count - 1 - mode]))

    # abi_client_new
    for i, config in enumerate(CONFIGS):
        write("abi_client_new", f"config-{i:02}", json.dumps(config))
    for i, params in enumerate(INVALID[:12]):
        write("abi_client_new", f"invalid-{i:02}", text(params))
    write("abi_client_new", "invalid-utf8", b"{\"apiKey\": \"\xc3\x28\"}")

    # decode_responses and decode_models
    for op in names:
        for label, body in SEEDS[op]["bodies"].items():
            write("decode_responses", f"{op}-200-{label}", decode_selector(op, 200) + body)
            corpus["decode_models"].setdefault(label, body)
    for op in names:
        if not SEEDS[op]["bodies"]:
            sys.exit(f"make_corpus: {op} has no sample answer")
    for i, (label, body) in enumerate(ERRORS.items()):
        for status in (400, 404, 500):
            op = names[(i + status) % count]
            write("decode_responses", f"error-{label}-{status}-{op}", decode_selector(op, status) + body)
    for i, body in enumerate(WRONG):
        op = names[i % count]
        write("decode_responses", f"wrong-{i:02}-{op}", decode_selector(op, 200) + body)
        write("decode_models", f"wrong-{i:02}", body)
    for i, body in enumerate(WAIT_BODIES):
        write("decode_responses", f"wait-{i:02}", decode_selector("machines_wait", 200) + body)
    write("decode_responses", "machines_start-204", decode_selector("machines_start", 204))

    for target, files in corpus.items():
        d = HERE / "corpus" / target
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        for name, data in files.items():
            (d / name).write_bytes(data)
        print(f"{target}: {len(files)} seeds")


if __name__ == "__main__":
    main()
