"""Result types and the ``NULL`` filter sentinel.

Results are ``TypedDict``s (``typing_extensions.TypedDict``, which pydantic's ``TypeAdapter``
accepts on every supported Python): the very dicts ``json.loads`` returned (no copy, no
conversion), typed for mypy, pyright and IDEs. Keys are the API's own camelCase names, unknown keys the server adds
are kept, and numbers the API sends as strings (``ram``, ``storageTotal``, ``storageUsed``)
stay strings. Every key but ``id`` may be missing or ``None``: read them with ``.get()``.
"""

from __future__ import annotations

from typing import Any, List, Optional, TypeVar, Union

from typing_extensions import Literal, TypedDict

from ._secret import Secret

__all__ = [
    "NULL",
    "NullType",
    "Filter",
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
]

Region = Literal["East Coast (NY2)", "West Coast (CA1)", "Europe (AMS1)"]
"""The three regions, by the full names the API uses."""
MachineType = Literal[
    "Air",
    "Standard",
    "Pro",
    "Advanced",
    "GPU+",
    "P4000",
    "P5000",
    "P6000",
    "V100",
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "C7",
    "C8",
    "C9",
    "C10",
]
"""The machine types a create accepts."""
GpuMachineType = Literal["GPU+", "P4000", "P5000", "P6000", "V100"]
"""The dedicated-GPU types whose availability can be asked."""
BillingType = Literal["hourly", "monthly"]
MachineState = Literal["off", "starting", "stopping", "restarting", "serviceready", "ready", "upgrading", "provisioning"]
"""The states a machine reports."""
WaitState = Literal["off", "serviceready", "ready"]
"""The states ``machines.wait`` can wait for."""
AutoSnapshotFrequency = Literal["hour", "day", "week"]


class NullType:
    """The type of :data:`NULL`. There is exactly one instance."""

    _instance: NullType | None = None

    def __new__(cls) -> NullType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "paperspace_core.NULL"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "NULL"


NULL = NullType()
"""A filter value that matches JSON ``null``: ``client.machines.list(network_id=NULL)`` lists the
machines without a network. A filter left at ``None`` is simply not sent."""

T = TypeVar("T")
Filter = Union[T, NullType, None]
"""A filter argument: a value to match, :data:`NULL` to match ``null``, or ``None`` (not given)."""


class _Identified(TypedDict):
    id: str


class Template(_Identified, total=False):
    """A template. Public templates carry ``id``, ``name``, ``label``, ``os`` and ``dtCreated``;
    team templates add ``teamId``, ``userId`` and ``region``."""

    name: Optional[str]
    label: Optional[str]
    os: Optional[str]
    dtCreated: Optional[str]
    teamId: Optional[str]
    userId: Optional[str]
    region: Optional[str]


class MachineEvent(TypedDict, total=False):
    """One machine event (``create``, ``start``, ``stop``, ``restart``, ``deactivate``, ...)."""

    name: Optional[str]
    state: Optional[str]  # "new", "in progress", "done" or "error"
    errorMsg: Optional[str]
    handle: Optional[str]
    dtModified: Optional[str]
    dtFinished: Optional[str]
    dtCreated: Optional[str]


class Machine(_Identified, total=False):
    """A machine as create, show, list and wait return it (``events`` only from show and wait,
    newest first)."""

    name: Optional[str]
    os: Optional[str]
    ram: Optional[str]
    cpus: Optional[int]
    gpu: Optional[str]
    storageTotal: Optional[str]
    storageUsed: Optional[str]
    machineType: Optional[str]
    usageRate: Optional[str]
    shutdownTimeoutInHours: Optional[int]
    shutdownTimeoutForces: Optional[bool]
    performAutoSnapshot: Optional[bool]
    autoSnapshotFrequency: Optional[str]
    autoSnapshotSaveCount: Optional[int]
    dynamicPublicIp: Optional[bool]
    agentType: Optional[str]
    dtCreated: Optional[str]
    state: Optional[str]
    updatesPending: Optional[bool]
    networkId: Optional[str]
    privateIpAddress: Optional[str]
    publicIpAddress: Optional[str]
    region: Optional[str]
    userId: Optional[str]
    teamId: Optional[str]
    scriptId: Optional[str]
    dtLastRun: Optional[str]
    restorePointSnapshotId: Optional[str]
    restorePointFrequency: Optional[str]
    events: List[MachineEvent]


class User(_Identified, total=False):
    """A user of the caller's team (note the API's lower-case ``firstname``/``lastname``)."""

    email: Optional[str]
    firstname: Optional[str]
    lastname: Optional[str]
    dtCreated: Optional[str]
    teamId: Optional[str]
    isAdmin: Optional[bool]
    isOwner: Optional[bool]


class Availability(TypedDict):
    """The answer of ``machines.availability``."""

    available: bool


class StorageUtilization(TypedDict, total=False):
    machineId: str
    secondsUsed: int
    monthlyRate: str  # a decimal string, e.g. "5.00"
    billingMonth: str


class MachineUtilization(TypedDict, total=False):
    machineId: str
    secondsUsed: float
    hourlyRate: str  # a decimal string, e.g. "0.40"
    billingMonth: str


class Utilization(TypedDict, total=False):
    """The answer of ``machines.utilization`` for one billing month (``YYYY-MM``)."""

    machineId: str
    utilization: MachineUtilization
    storageUtilization: StorageUtilization


class Network(_Identified, total=False):
    """A private network of the team."""

    name: Optional[str]
    region: Optional[str]
    dtCreated: Optional[str]
    network: Optional[str]  # e.g. "10.64.21.0"
    netmask: Optional[str]  # e.g. "255.255.255.0"
    teamId: Optional[str]


class Script(_Identified, total=False):
    """A startup script (without its text: ``scripts.text`` returns it)."""

    ownerType: Optional[str]  # "user" or "team"
    ownerId: Optional[str]
    name: Optional[str]
    description: Optional[str]
    dtCreated: Optional[str]
    isEnabled: Optional[bool]
    runOnce: Optional[bool]


class ScriptMachine(TypedDict, total=False):
    machineId: str
    dtLastRun: Optional[str]


class ScriptDetails(Script, total=False):
    """``scripts.show``: the script plus the machines it is attached to."""

    machines: List[ScriptMachine]


class Delegation(TypedDict, total=False):
    """What a resource delegation covers, keyed by resource: ``{"machine": {"ids": [...]}}``."""

    machine: Any


class _Delegated(TypedDict):
    id: int
    accessTokenId: Secret


class ResourceDelegation(_Delegated, total=False):
    """A resource delegation as ``resource_delegations.create`` returns it. ``accessTokenId``
    grants access to the delegated resources: it is a :class:`Secret` (``.reveal()`` gives the
    token), so it never shows in a repr or a log."""

    delegation: Delegation
    isEnabled: bool
    dtCreated: str
