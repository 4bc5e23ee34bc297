"""Exceptions: one class per status code of the C ABI, API errors split by HTTP status."""

from __future__ import annotations

import builtins
from typing import Any

__all__ = [
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


class PaperspaceError(Exception):
    """Base class of every error the library reports.

    Attributes mirror the library's error JSON:

    - ``code``: the stable status code (``2`` for validation, ``6`` for api, ...);
    - ``kind``: its name (``"validation"``, ``"api"``, ...);
    - ``message``: a human-readable message (for ``api`` errors the server's own message);
    - ``http_status``: the HTTP status of the server's answer, or ``None``;
    - ``details``: structured details (``{field: problem}`` for validation, the server's error
      body for api errors, the machine's state for a wait, the new user's state for a failed
      create with new-user fields, ...), or ``None``;
    - ``operation``: ``"machines_create"``, ``"templates_list"``, ... (``"client_new"`` for the
      client's configuration).

    Neither the API key nor a new user's password ever appears in any of them.
    """

    code: int
    kind: str
    message: str
    http_status: int | None
    details: Any
    operation: str | None

    def __init__(
        self,
        message: str,
        *,
        code: int,
        kind: str,
        http_status: int | None = None,
        details: Any = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.kind = kind
        self.http_status = http_status
        self.details = details
        self.operation = operation

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(kind={self.kind!r}, code={self.code!r}, "
            f"http_status={self.http_status!r}, operation={self.operation!r}, "
            f"message={self.message!r})"
        )

    def __reduce__(self) -> Any:
        state = {
            "code": self.code,
            "kind": self.kind,
            "http_status": self.http_status,
            "details": self.details,
            "operation": self.operation,
        }
        return (_rebuild, (type(self), self.message, state))


def _rebuild(cls: type[PaperspaceError], message: str, state: dict[str, Any]) -> PaperspaceError:
    return cls(message, **state)


class InvalidArgumentError(PaperspaceError, ValueError):
    """Malformed parameters: a wrong JSON type, an unknown key, invalid UTF-8 (status 1)."""


class ValidationError(PaperspaceError, ValueError):
    """Parameters that break a documented API rule, found before any request (status 2).

    ``details`` maps every failing field (camelCase, as the API names it) to its problem.
    """


class ConfigError(PaperspaceError):
    """An unusable client configuration: no API key, a bad base URL, ... (status 3)."""


class TransportError(PaperspaceError, ConnectionError):
    """The request could not be sent or the answer could not be read (status 4)."""


class PaperspaceTimeoutError(PaperspaceError, builtins.TimeoutError):
    """A call's time ran out: the client's ``timeout``, the call's own ``timeout=``, or a wait's
    (status 5). Also a builtin ``TimeoutError``, so ``except TimeoutError`` catches it."""


# The former name, kept importable (``paperspace_core.TimeoutError``) but out of ``__all__`` so
# that ``from paperspace_core import *`` does not shadow the builtin.
TimeoutError = PaperspaceTimeoutError


class ApiError(PaperspaceError):
    """The server answered with a non-2xx status (status 6); see ``http_status``."""


class AuthenticationError(ApiError):
    """HTTP 401 or 403: a missing, wrong or insufficient API key."""


class NotFoundError(ApiError):
    """HTTP 404."""


class RateLimitError(ApiError):
    """HTTP 429 (after the retries the client is configured for)."""


class ServerError(ApiError):
    """HTTP 5xx (after the retries the client is configured for, for safe calls)."""


class DecodeError(PaperspaceError):
    """A 2xx answer that is not the JSON the operation returns (status 7)."""


class CancelledError(PaperspaceError):
    """A wait was cancelled (status 8), e.g. because the client was closed meanwhile."""


class MachineError(PaperspaceError):
    """The waited-for machine's newest event ended in state ``error`` (status 9)."""


class InternalError(PaperspaceError):
    """A bug in the library (status 98) or a panic caught at its boundary (status 99)."""


class ClientClosedError(ValueError):
    """A call on a :class:`~paperspace_core.Client` after ``close()`` (a programming error,
    like I/O on a closed file, hence a ``ValueError`` and not a :class:`PaperspaceError`)."""


_BY_CODE: dict[int, type[PaperspaceError]] = {
    1: InvalidArgumentError,
    2: ValidationError,
    3: ConfigError,
    4: TransportError,
    5: PaperspaceTimeoutError,
    6: ApiError,
    7: DecodeError,
    8: CancelledError,
    9: MachineError,
    98: InternalError,
    99: InternalError,
}


def error_class(code: int, http_status: int | None) -> type[PaperspaceError]:
    """The exception class for a status code (and, for api errors, the HTTP status)."""
    cls = _BY_CODE.get(code, PaperspaceError)
    if cls is ApiError and http_status is not None:
        if http_status in (401, 403):
            return AuthenticationError
        if http_status == 404:
            return NotFoundError
        if http_status == 429:
            return RateLimitError
        if 500 <= http_status <= 599:
            return ServerError
    return cls
