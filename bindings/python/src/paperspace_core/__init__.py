"""paperspace_core: a Python client for the Paperspace Core API over the ``libpaperspace`` C ABI.

>>> import paperspace_core
>>> with paperspace_core.Client(api_key="...", base_url="http://127.0.0.1:8080") as client:
...     ubuntu = client.templates.list(label="Ubuntu 18.04 Server")[0]   # doctest: +SKIP
...     machine = client.machines.create(region="East Coast (NY2)", machine_type="C4", size=50,
...                                      billing_type="hourly", machine_name="demo",
...                                      template_id=ubuntu["id"])        # doctest: +SKIP
...     client.machines.wait(machine["id"], "ready", interval=0.2)        # doctest: +SKIP

The native library is found through ``PAPERSPACE_LIB``, the copy shipped in the package, or a
development checkout's ``target/release`` / ``target/debug`` (see the README).
"""

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
    RateLimitError,
    ServerError,
    TimeoutError,
    TransportError,
    ValidationError,
)
from ._types import NULL, Availability, Filter, Machine, MachineEvent, NullType, Template, User
from ._client import Client, Machines, Templates, Users

__all__ = [
    "__version__",
    "Client",
    "Templates",
    "Machines",
    "Users",
    "NULL",
    "NullType",
    "Filter",
    "Template",
    "Machine",
    "MachineEvent",
    "User",
    "Availability",
    "PaperspaceError",
    "InvalidArgumentError",
    "ValidationError",
    "ConfigError",
    "TransportError",
    "TimeoutError",
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

del _native_version
