"""paperspace_core: a Python client for the Paperspace Core API over the ``libpaperspace`` C ABI.

>>> import paperspace_core
>>> with paperspace_core.Client(api_key="...", base_url="http://127.0.0.1:8080") as client:
...     ubuntu = client.templates.list(label="Ubuntu 18.04 Server")[0]   # doctest: +SKIP
...     machine = client.machines.create(region="East Coast (NY2)", machine_type="C4", size=50,
...                                      billing_type="hourly", machine_name="demo",
...                                      template_id=ubuntu["id"])        # doctest: +SKIP
...     client.machines.wait(machine["id"], "ready", interval=0.2)        # doctest: +SKIP

``AsyncClient`` has the same methods as coroutines; ``paperspace_core.testing`` runs the
emulator for tests. The native library is found through ``PAPERSPACE_LIB``, the copy shipped
in the package, or a development checkout's ``target/release`` / ``target/debug`` (see the
README).
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__
from ._ffi import native_version as _native_version  # loads the library; ImportError if unusable
from ._errors import (
    ApiError,
    AuthenticationError,
    CancelledError,
    ClientClosedError,
    ConfigError,
    DecodeError,
    InternalError,
    InvalidArgumentError,
    MachineError,
    NotFoundError,
    PaperspaceError,
    PaperspaceTimeoutError,
    RateLimitError,
    ServerError,
    TimeoutError,
    TransportError,
    ValidationError,
)
from ._secret import Secret
from ._types import (
    NULL,
    AutoSnapshotFrequency,
    Availability,
    BillingType,
    Delegation,
    Filter,
    GpuMachineType,
    Machine,
    MachineEvent,
    MachineState,
    MachineType,
    MachineUtilization,
    Network,
    NullType,
    Region,
    ResourceDelegation,
    Script,
    ScriptDetails,
    ScriptMachine,
    StorageUtilization,
    Template,
    User,
    Utilization,
    WaitState,
)
from ._client import Client
from ._native import logger
from ._resources import Machines, Networks, ResourceDelegations, Scripts, Templates, Users

if TYPE_CHECKING:
    from ._async_client import AsyncClient


def __getattr__(name: str) -> Any:
    # AsyncClient imports asyncio, which costs more than the rest of the package: only on use.
    if name == "AsyncClient":
        from ._async_client import AsyncClient

        globals()["AsyncClient"] = AsyncClient
        return AsyncClient
    raise AttributeError(f"module 'paperspace_core' has no attribute {name!r}")


# `TimeoutError` (the former name of PaperspaceTimeoutError) is importable but not in __all__:
# `from paperspace_core import *` shadows no builtin.
__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "Templates",
    "Machines",
    "Users",
    "Networks",
    "Scripts",
    "ResourceDelegations",
    "logger",
    "NULL",
    "NullType",
    "Filter",
    "Secret",
    "Region",
    "MachineType",
    "GpuMachineType",
    "BillingType",
    "MachineState",
    "WaitState",
    "AutoSnapshotFrequency",
    "Template",
    "Machine",
    "MachineEvent",
    "User",
    "Availability",
    "Utilization",
    "MachineUtilization",
    "StorageUtilization",
    "Network",
    "Script",
    "ScriptMachine",
    "ScriptDetails",
    "Delegation",
    "ResourceDelegation",
    "PaperspaceError",
    "InvalidArgumentError",
    "ValidationError",
    "ConfigError",
    "TransportError",
    "PaperspaceTimeoutError",
    "ApiError",
    "AuthenticationError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "DecodeError",
    "CancelledError",
    "MachineError",
    "InternalError",
    "ClientClosedError",
]

del _native_version, TYPE_CHECKING, Any
