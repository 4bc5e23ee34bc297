"""Creates a C4 machine from the Ubuntu 18.04 Server template, waits until it is ready, prints
it and destroys it.

Reads the API key from PAPERSPACE_API_KEY and the API's URL from PAPERSPACE_API_HOST; against
the emulator (what `make demo` does):

    paperspace-emulator --listen 127.0.0.1:0      # prints {"url": "http://127.0.0.1:PORT"}
    PAPERSPACE_API_HOST=http://127.0.0.1:PORT PAPERSPACE_API_KEY=emulator-admin-key \\
        python examples/create_machine.py
"""

from __future__ import annotations

import sys

import paperspace_core as ps


def main() -> int:
    try:
        with ps.Client(timeout=10) as client:
            templates = client.templates.list()
            ubuntu = next((t for t in templates if t.get("label") == "Ubuntu 18.04 Server"), None)
            if ubuntu is None:
                print("no Ubuntu 18.04 Server template", file=sys.stderr)
                return 1
            print(f"{len(templates)} templates; using {ubuntu['id']} ({ubuntu.get('os')})")

            machine = client.machines.create(
                region="East Coast (NY2)",
                machine_type="C4",
                size=50,
                billing_type="hourly",
                machine_name="python-example",
                template_id=ubuntu["id"],
            )
            print(f"created {machine['id']}: {machine.get('state')}")
            try:
                ready = client.machines.wait(machine["id"], "ready", interval=0.5, timeout=300)
                print(
                    f"{ready['id']} is {ready.get('state')}: {ready.get('machineType') or ready.get('usageRate')}, "
                    f"{ready.get('cpus')} CPUs, {int(ready.get('ram') or 0) // 2**30} GiB RAM, "
                    f"{int(ready.get('storageTotal') or 0) // 2**30} GB disk, "
                    f"private IP {ready.get('privateIpAddress')}, region {ready.get('region')}"
                )
            finally:
                client.machines.destroy(machine["id"])
                print(f"destroyed {machine['id']}")
    except ps.ValidationError as e:
        print(f"invalid parameters for {e.operation}:", file=sys.stderr)
        for field, problem in (e.details or {}).items():
            print(f"  {field}: {problem}", file=sys.stderr)
        return 2
    except ps.ApiError as e:
        print(f"the API refused {e.operation} (HTTP {e.http_status}): {e}", file=sys.stderr)
        return 1
    except ps.PaperspaceError as e:
        print(f"{e.kind} error in {e.operation}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
