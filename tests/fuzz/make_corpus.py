#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into tests/fuzz/corpus/<target>/ (committed).

Seeds are the API's sample bodies (tests/fixtures), error bodies, and parameter and config
examples, each prefixed by the selector byte the target reads first. Re-run after changing
the targets' input layout; libFuzzer adds what it finds to its own working corpus, not here.
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
OPS = ["templates_list", "machines_create", "machines_availability", "machines_show",
       "machines_list", "machines_wait", "machines_start", "machines_stop", "machines_restart",
       "machines_destroy", "users_list"]
STATUSES = [200, 201, 204, 400, 401, 404, 429, 500, 503]


def write(target, name, data):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / name).write_bytes(data)


def decode_selector(op, status):
    for b in range(256):
        if b % 11 == OPS.index(op) and (b // 16) % 9 == STATUSES.index(status):
            return bytes([b])
    raise ValueError((op, status))


create = json.loads((FIXTURES / "Machines_CreateMachine_Request.json").read_text())
VALID = {
    "templates_list": {"os": "Ubuntu 18.04 Server", "label": None},
    "machines_create": {"region": "East Coast (NY2)", "machineType": "C4", "size": 50,
                        "billingType": "hourly", "machineName": "m", "templateId": "t04azgph"},
    "machines_availability": {"region": "Europe (AMS1)", "machineType": "GPU+"},
    "machines_show": {"machineId": "psxs9sp8u"},
    "machines_list": {"state": "ready", "limit": 10, "skip": 0, "networkId": None, "cpus": 2},
    "machines_wait": {"machineId": "ps1", "state": "READY", "intervalMs": 1, "timeoutMs": 5},
    "machines_start": {"machineId": "../users/getUsers"},
    "machines_stop": {"machineId": ".."},
    "machines_restart": {"machineId": "ps 1+2/é"},
    "machines_destroy": {"machineId": "ps1", "releasePublicIp": True},
    "users_list": {"email": "a@b.co", "firstname": None},
}
INVALID = [
    "", "{}", "[]", "null", "{", "{\"machineId\": 42}", "{\"unknown\": 1}",
    "{\"size\": 1e400}", "{\"size\": \"50\"}", "[" * 200, "{\"a\":" * 100,
    "{\"machineId\": \"\\u0000\"}", "{\"machineId\": \"\\ud800\"}", b"{\"machineId\": \"\xff\"}",
    "{\"region\": \"Moon\", \"size\": 5000, \"email\": \"x\", \"userId\": \"u\"}",
    "{\"markSnapshotAsRestorePoint\": true}", "{\"limit\": 0, \"skip\": -1}",
    "{\"state\": \"running\", \"intervalMs\": 0, \"timeoutMs\": -5}",
]

# abi_operation / abi_wait_cancellable
for i, op in enumerate(OPS):
    write("abi_operation", f"{op}-valid", bytes([i]) + json.dumps(VALID[op]).encode())
write("abi_operation", "create-fixture", bytes([1]) + json.dumps(create).encode())
new_user = dict(VALID["machines_create"], email="a@b.co", password="pw", firstName="A", lastName="B")
write("abi_operation", "create-new-user", bytes([1]) + json.dumps(new_user).encode())
for j, text in enumerate(INVALID):
    data = text if isinstance(text, bytes) else text.encode()
    write("abi_operation", f"invalid-{j:02}", bytes([j % 11]) + data)
for sel in range(3):
    write("abi_wait_cancellable", f"valid-{sel}", bytes([sel]) + json.dumps(VALID["machines_wait"]).encode())
    write("abi_wait_cancellable", f"missing-{sel}", bytes([sel]) + b"{\"state\": \"off\"}")
    write("abi_wait_cancellable", f"null-{sel}", bytes([sel]))
write("abi_wait_cancellable", "bad-state", b"\x01{\"machineId\": \"p\", \"state\": \"on\"}")
write("abi_wait_cancellable", "unknown", b"\x02{\"machineId\": \"p\", \"state\": \"off\", \"x\": 1}")

# abi_client_new
configs = [
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
for i, c in enumerate(configs):
    write("abi_client_new", f"config-{i:02}", json.dumps(c))
for i, text in enumerate(INVALID[:12]):
    write("abi_client_new", f"invalid-{i:02}", text if isinstance(text, bytes) else text.encode())
write("abi_client_new", "invalid-utf8", b"{\"apiKey\": \"\xc3\x28\"}")

# decode_responses and decode_models
bodies = {
    "templates_list": ["ListTemplates.json", "Templates_TeamTemplate.json"],
    "machines_create": ["Machines_CreateMachine.json"],
    "machines_availability": ["Machines_Availability.json"],
    "machines_show": ["GetMachinePublic.json", "Machines_FullLifecycle.json",
                      "Machines_GetMachine_Create_New.json"],
    "machines_list": ["Machines_ListMachines.json"],
    "machines_wait": ["Machines_FullLifecycle.json", "Machines_GetMachine_Start_InProgress.json",
                      "Machines_GetMachine_Restart_InProgress.json"],
    "users_list": ["Users_GetUsers.json"],
}
for op, files in bodies.items():
    for f in files:
        body = (FIXTURES / f).read_bytes()
        write("decode_responses", f"{op}-200-{f}", decode_selector(op, 200) + body)
        write("decode_models", f, body)
errors = {
    "nested": b'{"error":{"name":"Error","status":404,"message":"Not found."}}',
    "flat": b'{"status":400,"message":"Invalid API token"}',
    "html": b"<html><body>502 Bad Gateway</body></html>",
    "empty": b"",
    "blank": b"  \r\n",
    "string": b'"just a string"',
    "fixture": (FIXTURES / "404Response.json").read_bytes(),
    "latin1": b'{"message": "caf\xe9"}',
}
for i, (name, body) in enumerate(errors.items()):
    for status in (400, 404, 500):
        op = OPS[(i + status) % 11]
        write("decode_responses", f"error-{name}-{status}-{op}", decode_selector(op, status) + body)
for op in ("machines_start", "machines_destroy"):
    write("decode_responses", f"{op}-204", decode_selector(op, 204))
    write("decode_responses", f"{op}-200-garbage", decode_selector(op, 200) + b"<html>")
wrong = [b'{"id": 1}', b"[1, 2]", b'{"available": "yes"}', b'[{"name": "no id"}]', b"{}",
         b'{"id": "x", "state": 5, "events": {}}', b'{"id":"ps1","state":"off","events":[{"name":"start","state":"error","errorMsg":"boom"}]}',
         b'{"id":"ps1","state":"ready"}', b"[" * 300, b'{"id": "\\ud800"}']
for i, body in enumerate(wrong):
    op = OPS[i % 11] if i < 6 else "machines_wait"
    write("decode_responses", f"wrong-{i:02}-{op}", decode_selector(op, 200) + body)
    write("decode_models", f"wrong-{i:02}", body)
print("corpus written")
