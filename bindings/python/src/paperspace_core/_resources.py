"""The resources of ``Client``: one method per operation of the library's table.

``_async_resources.py`` is generated from this file by ``tools/gen_async.py`` (the same
methods, ``async``); edit this file and run the tool. Every method takes ``timeout=`` (seconds)
for that call, in place of the client's.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Union

from ._encode import filters as _filters
from ._encode import given as _given
from ._encode import millis as _millis
from ._results import wrap_delegations
from ._types import (
    NULL,
    Availability,
    AutoSnapshotFrequency,
    BillingType,
    Filter,
    GpuMachineType,
    Machine,
    MachineState,
    MachineType,
    Network,
    NullType,
    Region,
    ResourceDelegation,
    Script,
    ScriptDetails,
    Template,
    User,
    Utilization,
    WaitState,
)

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["Templates", "Machines", "Users", "Networks", "Scripts", "ResourceDelegations"]

# Module-level names: inside the resource classes `list` is a method.
TemplateList = List[Template]
MachineList = List[Machine]
UserList = List[User]
NetworkList = List[Network]
ScriptList = List[Script]
DelegationList = List[ResourceDelegation]


def _nullable(pairs: Dict[str, Any]) -> Dict[str, Any]:
    """Update fields: ``None`` is "not given", :data:`NULL` sends JSON null (clears it)."""
    return {key: (None if value is NULL else value) for key, value in pairs.items() if value is not None}


class _Resource:
    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<paperspace_core.{type(self).__name__} of {self._client!r}>"


class Templates(_Resource):
    """``client.templates``."""

    __slots__ = ()

    def list(
        self,
        *,
        id: Filter[str] = None,
        name: Filter[str] = None,
        label: Filter[str] = None,
        os: Filter[str] = None,
        dt_created: Filter[str] = None,
        team_id: Filter[str] = None,
        user_id: Filter[str] = None,
        region: Filter[Region] = None,
        timeout: Optional[float] = None,
    ) -> TemplateList:
        """Templates matching every given filter exactly (``NULL`` matches null)."""
        params = _filters(
            {
                "id": id,
                "name": name,
                "label": label,
                "os": os,
                "dtCreated": dt_created,
                "teamId": team_id,
                "userId": user_id,
                "region": region,
            }
        )
        result: TemplateList = self._client._call("templates_list", params, timeout)
        return result


class Machines(_Resource):
    """``client.machines``."""

    __slots__ = ()

    def create(
        self,
        *,
        region: Region,
        machine_type: MachineType,
        size: int,
        billing_type: BillingType,
        machine_name: str,
        template_id: str,
        assign_public_ip: Optional[bool] = None,
        dynamic_public_ip: Optional[bool] = None,
        start_on_create: Optional[bool] = None,
        network_id: Optional[str] = None,
        team_id: Optional[str] = None,
        user_id: Optional[str] = None,
        email: Optional[str] = None,
        password: Optional[str] = None,
        first_name: Optional[str] = None,
        last_name: Optional[str] = None,
        notification_email: Optional[str] = None,
        script_id: Optional[str] = None,
        take_initial_snapshot: Optional[bool] = None,
        mark_snapshot_as_restore_point: Optional[bool] = None,
        restore_point_frequency: Optional[str] = None,
        enable_nvlink: Optional[bool] = None,
        timeout: Optional[float] = None,
    ) -> Machine:
        """Creates a machine (never retried once sent) and returns it, usually in state
        ``provisioning``: follow with :meth:`wait`. With the new-user fields (``email``,
        ``password``, ``first_name``, ``last_name``) a failure's ``details`` say whether the
        user was created anyway: ``{"userCreated": True/False/None, "user": ..., "response":
        ...}``."""
        params = _given(
            {
                "region": region,
                "machineType": machine_type,
                "size": size,
                "billingType": billing_type,
                "machineName": machine_name,
                "templateId": template_id,
                "assignPublicIp": assign_public_ip,
                "dynamicPublicIp": dynamic_public_ip,
                "startOnCreate": start_on_create,
                "networkId": network_id,
                "teamId": team_id,
                "userId": user_id,
                "email": email,
                "password": password,
                "firstName": first_name,
                "lastName": last_name,
                "notificationEmail": notification_email,
                "scriptId": script_id,
                "takeInitialSnapshot": take_initial_snapshot,
                "markSnapshotAsRestorePoint": mark_snapshot_as_restore_point,
                "restorePointFrequency": restore_point_frequency,
                "enableNvlink": enable_nvlink,
            }
        )
        result: Machine = self._client._call("machines_create", params, timeout)
        return result

    def availability(
        self, *, region: Region, machine_type: GpuMachineType, timeout: Optional[float] = None
    ) -> Availability:
        """Whether a dedicated-GPU type (``GPU+``, ``P4000``, ``P5000``, ``P6000``, ``V100``)
        can currently be requested in a region: ``{"available": bool}``."""
        params = _given({"region": region, "machineType": machine_type})
        result: Availability = self._client._call("machines_availability", params, timeout)
        return result

    def show(self, machine_id: str, *, timeout: Optional[float] = None) -> Machine:
        """One machine with its last 10 events (``events``, newest first)."""
        result: Machine = self._client._call("machines_show", _given({"machineId": machine_id}), timeout)
        return result

    def list(
        self,
        *,
        machine_id: Filter[str] = None,
        name: Filter[str] = None,
        os: Filter[str] = None,
        ram: Filter[str] = None,
        cpus: Filter[int] = None,
        gpu: Filter[str] = None,
        storage_total: Filter[str] = None,
        storage_used: Filter[str] = None,
        usage_rate: Filter[str] = None,
        shutdown_timeout_in_hours: Filter[int] = None,
        perform_auto_snapshot: Filter[bool] = None,
        auto_snapshot_frequency: Filter[str] = None,
        auto_snapshot_save_count: Filter[int] = None,
        agent_type: Filter[str] = None,
        dt_created: Filter[str] = None,
        state: Filter[MachineState] = None,
        updates_pending: Filter[bool] = None,
        network_id: Filter[str] = None,
        private_ip_address: Filter[str] = None,
        public_ip_address: Filter[str] = None,
        region: Filter[Region] = None,
        user_id: Filter[str] = None,
        team_id: Filter[str] = None,
        script_id: Filter[str] = None,
        dt_last_run: Filter[str] = None,
        limit: Optional[int] = None,
        skip: Optional[int] = None,
        timeout: Optional[float] = None,
    ) -> MachineList:
        """Machines matching every given filter exactly (``NULL`` matches null), paged by
        ``limit`` (at least 1) and ``skip``. ``ram``, ``storage_total`` and ``storage_used``
        are decimal strings, as the API sends them. :meth:`pages` pages through them all."""
        params = _filters(
            {
                "machineId": machine_id,
                "name": name,
                "os": os,
                "ram": ram,
                "cpus": cpus,
                "gpu": gpu,
                "storageTotal": storage_total,
                "storageUsed": storage_used,
                "usageRate": usage_rate,
                "shutdownTimeoutInHours": shutdown_timeout_in_hours,
                "performAutoSnapshot": perform_auto_snapshot,
                "autoSnapshotFrequency": auto_snapshot_frequency,
                "autoSnapshotSaveCount": auto_snapshot_save_count,
                "agentType": agent_type,
                "dtCreated": dt_created,
                "state": state,
                "updatesPending": updates_pending,
                "networkId": network_id,
                "privateIpAddress": private_ip_address,
                "publicIpAddress": public_ip_address,
                "region": region,
                "userId": user_id,
                "teamId": team_id,
                "scriptId": script_id,
                "dtLastRun": dt_last_run,
            }
        )
        params.update(_given({"limit": limit, "skip": skip}))
        result: MachineList = self._client._call("machines_list", params, timeout)
        return result

    def pages(self, *, page_size: int = 100, timeout: Optional[float] = None, **filters: Any) -> Iterator[MachineList]:
        """Every machine matching ``filters`` (the keyword arguments of :meth:`list`), one page
        (a list of at most ``page_size``) at a time, fetched with ``limit``/``skip`` as the
        iteration goes; ``timeout`` bounds each page's call. Stops after the first short page."""
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise ValueError(f"page_size must be a whole number of at least 1, not {page_size!r}")
        if "limit" in filters or "skip" in filters:
            raise TypeError("pages() sets limit and skip itself; use page_size")
        skip = 0
        while True:
            page = self.list(limit=page_size, skip=skip, timeout=timeout, **filters)
            if page:
                yield page
            if len(page) < page_size:
                return
            skip += page_size

    def wait(
        self,
        machine_id: str,
        state: WaitState,
        *,
        interval: Optional[float] = None,
        timeout: Optional[float] = None,
    ) -> Machine:
        """Polls the machine every ``interval`` seconds (default 5) until its state is
        ``state`` (``"off"``, ``"serviceready"`` or ``"ready"``, any case) and returns it as
        last shown. Raises :class:`MachineError` as soon as its newest event failed and
        :class:`PaperspaceTimeoutError` after ``timeout`` seconds (default 600: the wait's own
        bound, not the client's)."""
        params = _given(
            {
                "machineId": machine_id,
                "state": state,
                "intervalMs": _millis("interval", interval, "machines_wait"),
                "timeoutMs": _millis("timeout", timeout, "machines_wait"),
            }
        )
        result: Machine = self._client._call("machines_wait", params, None)
        return result

    def wait_many(
        self,
        machine_ids: Sequence[str],
        state: WaitState,
        *,
        interval: Optional[float] = None,
        timeout: Optional[float] = None,
    ) -> MachineList:
        """:meth:`wait` for many machines at once (1 to 10000, no repeats), polling the list
        once per interval whatever their number; returns them in the order asked. A timeout's
        ``details`` are ``{"target", "pending": [ids], "states": {id: last state}}``."""
        if isinstance(machine_ids, str):
            raise TypeError("machine_ids is a sequence of machine ids, not one str")
        params = _given(
            {
                "machineIds": list(machine_ids),
                "state": state,
                "intervalMs": _millis("interval", interval, "machines_wait_many"),
                "timeoutMs": _millis("timeout", timeout, "machines_wait_many"),
            }
        )
        result: MachineList = self._client._call("machines_wait_many", params, None)
        return result

    def start(self, machine_id: str, *, timeout: Optional[float] = None) -> None:
        """Starts a machine (a no-op on a running one); does not wait for it."""
        self._client._call("machines_start", _given({"machineId": machine_id}), timeout)

    def stop(self, machine_id: str, *, timeout: Optional[float] = None) -> None:
        """Stops a machine (a no-op on a stopped one); does not wait for it."""
        self._client._call("machines_stop", _given({"machineId": machine_id}), timeout)

    def restart(self, machine_id: str, *, timeout: Optional[float] = None) -> None:
        """Restarts a machine; does not wait for it."""
        self._client._call("machines_restart", _given({"machineId": machine_id}), timeout)

    def destroy(
        self, machine_id: str, release_public_ip: Optional[bool] = None, *, timeout: Optional[float] = None
    ) -> None:
        """Destroys a machine and its snapshots (irreversible). ``release_public_ip=True``
        also releases its static public IP."""
        params = _given({"machineId": machine_id, "releasePublicIp": release_public_ip})
        self._client._call("machines_destroy", params, timeout)

    def update(
        self,
        machine_id: str,
        *,
        machine_name: Optional[str] = None,
        shutdown_timeout_in_hours: Union[int, NullType, None] = None,
        shutdown_timeout_forces: Optional[bool] = None,
        perform_auto_snapshot: Optional[bool] = None,
        auto_snapshot_frequency: Union[AutoSnapshotFrequency, NullType, None] = None,
        auto_snapshot_save_count: Optional[int] = None,
        dynamic_public_ip: Optional[bool] = None,
        assign_public_ip: Optional[bool] = None,
        timeout: Optional[float] = None,
    ) -> None:
        """Changes a machine's settings (only those given). ``NULL`` clears
        ``shutdown_timeout_in_hours`` (never shut down) or ``auto_snapshot_frequency``."""
        params = _nullable(
            {
                "machineId": machine_id,
                "machineName": machine_name,
                "shutdownTimeoutInHours": shutdown_timeout_in_hours,
                "shutdownTimeoutForces": shutdown_timeout_forces,
                "performAutoSnapshot": perform_auto_snapshot,
                "autoSnapshotFrequency": auto_snapshot_frequency,
                "autoSnapshotSaveCount": auto_snapshot_save_count,
                "dynamicPublicIp": dynamic_public_ip,
                "assignPublicIp": assign_public_ip,
            }
        )
        self._client._call("machines_update", params, timeout)

    def utilization(self, machine_id: str, billing_month: str, *, timeout: Optional[float] = None) -> Utilization:
        """The machine's usage and storage for a billing month (``"YYYY-MM"``)."""
        params = _given({"machineId": machine_id, "billingMonth": billing_month})
        result: Utilization = self._client._call("machines_utilization", params, timeout)
        return result

    def set_access(
        self, machine_id: str, *, user_id: str, enable_access: bool, timeout: Optional[float] = None
    ) -> Machine:
        """Gives (``enable_access=True``) or takes away a team user's access to the machine."""
        params = _given({"machineId": machine_id, "userId": user_id, "enableAccess": enable_access})
        result: Machine = self._client._call("machines_set_access", params, timeout)
        return result


class Users(_Resource):
    """``client.users``."""

    __slots__ = ()

    def list(
        self,
        *,
        id: Filter[str] = None,
        email: Filter[str] = None,
        first_name: Filter[str] = None,
        last_name: Filter[str] = None,
        dt_created: Filter[str] = None,
        team_id: Filter[str] = None,
        timeout: Optional[float] = None,
    ) -> UserList:
        """The team's users matching every given filter exactly (``NULL`` matches null).
        ``first_name``/``last_name`` are the API's lower-case ``firstname``/``lastname``."""
        params = _filters(
            {
                "id": id,
                "email": email,
                "firstname": first_name,
                "lastname": last_name,
                "dtCreated": dt_created,
                "teamId": team_id,
            }
        )
        result: UserList = self._client._call("users_list", params, timeout)
        return result


class Networks(_Resource):
    """``client.networks``."""

    __slots__ = ()

    def list(
        self,
        *,
        id: Filter[str] = None,
        name: Filter[str] = None,
        region: Filter[Region] = None,
        dt_created: Filter[str] = None,
        network: Filter[str] = None,
        netmask: Filter[str] = None,
        team_id: Filter[str] = None,
        timeout: Optional[float] = None,
    ) -> NetworkList:
        """The team's private networks matching every given filter exactly."""
        params = _filters(
            {
                "id": id,
                "name": name,
                "region": region,
                "dtCreated": dt_created,
                "network": network,
                "netmask": netmask,
                "teamId": team_id,
            }
        )
        result: NetworkList = self._client._call("networks_list", params, timeout)
        return result


class Scripts(_Resource):
    """``client.scripts``."""

    __slots__ = ()

    def create(
        self,
        *,
        script_name: str,
        script_text: Optional[str] = None,
        script_file: Union[str, os.PathLike[str], None] = None,
        script_description: Optional[str] = None,
        is_enabled: Optional[bool] = None,
        run_once: Optional[bool] = None,
        machine_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> Script:
        """Creates a startup script from ``script_text``, or from ``script_file`` (a local file
        the library reads: at most 16 KB of UTF-8); exactly one of them. ``machine_id``
        attaches it to a machine."""
        params = _given(
            {
                "scriptName": script_name,
                "scriptText": script_text,
                "scriptFile": None if script_file is None else os.fspath(script_file),
                "scriptDescription": script_description,
                "isEnabled": is_enabled,
                "runOnce": run_once,
                "machineId": machine_id,
            }
        )
        result: Script = self._client._call("scripts_create", params, timeout)
        return result

    def list(
        self,
        *,
        id: Filter[str] = None,
        owner_type: Filter[str] = None,
        owner_id: Filter[str] = None,
        name: Filter[str] = None,
        description: Filter[str] = None,
        dt_created: Filter[str] = None,
        is_enabled: Filter[bool] = None,
        run_once: Filter[bool] = None,
        timeout: Optional[float] = None,
    ) -> ScriptList:
        """Scripts matching every given filter exactly (``NULL`` matches null)."""
        params = _filters(
            {
                "id": id,
                "ownerType": owner_type,
                "ownerId": owner_id,
                "name": name,
                "description": description,
                "dtCreated": dt_created,
                "isEnabled": is_enabled,
                "runOnce": run_once,
            }
        )
        result: ScriptList = self._client._call("scripts_list", params, timeout)
        return result

    def show(self, script_id: str, *, timeout: Optional[float] = None) -> ScriptDetails:
        """One script (without its text) with the machines it is attached to."""
        result: ScriptDetails = self._client._call("scripts_show", _given({"scriptId": script_id}), timeout)
        return result

    def text(self, script_id: str, *, timeout: Optional[float] = None) -> str:
        """The script's text."""
        result: str = self._client._call("scripts_text", _given({"scriptId": script_id}), timeout)
        return result

    def destroy(self, script_id: str, *, timeout: Optional[float] = None) -> None:
        """Deletes a script (detached from every machine at once)."""
        self._client._call("scripts_destroy", _given({"scriptId": script_id}), timeout)


class ResourceDelegations(_Resource):
    """``client.resource_delegations``."""

    __slots__ = ()

    def create(self, *, machine_ids: Sequence[str], timeout: Optional[float] = None) -> DelegationList:
        """Delegates access to machines: the API answers a list with one delegation, whose
        ``accessTokenId`` (a :class:`Secret`: ``.reveal()`` gives it) grants that access."""
        if isinstance(machine_ids, str):
            raise TypeError("machine_ids is a sequence of machine ids, not one str")
        params = {"machine": {"ids": list(machine_ids)}}
        return wrap_delegations(self._client._call("resource_delegations_create", params, timeout))
