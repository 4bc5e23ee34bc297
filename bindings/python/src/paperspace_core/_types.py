"""Result types and the ``NULL`` filter sentinel.

Results are ``TypedDict``s: the very dicts ``json.loads`` returned (no copy, no conversion),
typed for mypy and IDEs. Keys are the API's own camelCase names, unknown keys the server adds
are kept, and numbers the API sends as strings (``ram``, ``storageTotal``, ``storageUsed``)
stay strings. Every key but ``id`` may be missing or ``None``: read them with ``.get()``.
"""

from __future__ import annotations

from typing import Optional, TypedDict, TypeVar, Union

__all__ = ["NULL", "NullType", "Filter", "Template", "Machine", "MachineEvent", "User", "Availability"]


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
    events: list[MachineEvent]


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
