"""Loading ``libpaperspace`` and declaring its C ABI (``include/paperspace.h``) once.

Search order:

1. the environment variable ``PAPERSPACE_LIB`` (full path of the shared library);
2. the library shipped inside the package (``paperspace_core/_native/``), put there by
   ``pip install``;
3. a development checkout: ``<repo>/target/release``, then ``<repo>/target/debug``.

Calls of the main thread run through ``ps_call_into`` (``call_into``, below): the library
itself lets the other Python threads run during the call (it is handed ``PyEval_SaveThread`` and
``PyEval_RestoreThread``), runs the signal handlers about every 20 ms while the call waits
(``PyErr_CheckSignals``), so Ctrl-C and every other handler work during a call, and hands the
answer over as a ``str`` (``PyUnicode_FromStringAndSize``). Calls of other
threads run through ``ps_call``: ``ctypes.CDLL`` releases the GIL around it, and takes it back
in its own C code, never inside the library (see ``_native`` for why that matters).
"""

from __future__ import annotations

import ctypes
import os
import sys
from ctypes import POINTER, c_char_p, c_int32, c_uint64, c_void_p
from typing import Callable
from ._version import __version__

ENV_VAR = "PAPERSPACE_LIB"

if sys.platform == "win32":  # pragma: no cover - the project builds on Linux
    LIB_NAME = "paperspace.dll"
elif sys.platform == "darwin":  # pragma: no cover
    LIB_NAME = "libpaperspace.dylib"
else:
    LIB_NAME = "libpaperspace.so"


# Pointers (ps_client*, ps_cancel*, owned strings) travel as plain addresses (c_void_p: ints in
# Python). Owned strings are never c_char_p: ctypes would turn one into bytes and lose the
# pointer that ps_string_free needs.
OutString = POINTER(c_void_p)


def _candidates() -> list[tuple[str, str]]:
    # os.path rather than pathlib: pathlib costs more import time than the rest of the package.
    here = os.path.dirname(os.path.realpath(__file__))
    found = [(os.path.join(here, "_native", LIB_NAME), "the library shipped in the package")]
    # src/paperspace_core -> src -> python -> bindings -> repository root
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(here))))
    if os.path.isfile(os.path.join(repo, "Cargo.toml")):
        for profile in ("release", "debug"):
            found.append((os.path.join(repo, "target", profile, LIB_NAME), f"the checkout's target/{profile}"))
    return found


def _open(path: str) -> ctypes.CDLL:
    if sys.platform == "win32":  # pragma: no cover
        os.add_dll_directory(os.path.dirname(path))  # type: ignore[attr-defined,unused-ignore]
    return ctypes.CDLL(path)


def _load() -> tuple[ctypes.CDLL, str]:
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        try:
            return _open(explicit), explicit
        except OSError as exc:
            raise ImportError(
                f"paperspace_core: cannot load the native library named by {ENV_VAR}={explicit!r}: {exc}"
            ) from exc
    tried = []
    for path, what in _candidates():
        if os.path.isfile(path):
            try:
                return _open(path), path
            except OSError as exc:
                tried.append(f"{path} ({what}): {exc}")
        else:
            tried.append(f"{path} ({what}): not found")
    raise ImportError(
        f"paperspace_core: cannot find the native library {LIB_NAME}. Install the package with "
        f"`pip install ./bindings/python` (it builds and ships the library), build it with "
        f"`make lib` in the repository, or set {ENV_VAR} to its full path. Tried: " + "; ".join(tried)
    )


lib, lib_path = _load()


def _declare(name: str, restype: object, *argtypes: object) -> None:
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)


# What the binding uses. Operations are all run by name through ps_call, or ps_call_into for the
# main thread (declared below); no per-operation declaration: their list comes from
# ps_operations() (see _operations.py).
_declare("ps_version", c_char_p)  # static string: c_char_p is right here (never freed)
_declare("ps_status_name", c_char_p, c_int32)  # static too
_declare("ps_operations", c_char_p)  # static too
_declare("ps_string_free", None, c_void_p)
_declare("ps_client_new", c_int32, c_char_p, POINTER(c_void_p), OutString)
_declare("ps_client_free", None, c_void_p)
_declare("ps_cancel_new", c_void_p)
_declare("ps_cancel_trigger", None, c_void_p)
_declare("ps_cancel_set_timeout", None, c_void_p, c_uint64)
_declare("ps_cancel_free", None, c_void_p)
_declare("ps_call", c_int32, c_void_p, c_char_p, c_char_p, c_void_p, OutString)
DECLARED = (
    "ps_version",
    "ps_status_name",
    "ps_operations",
    "ps_string_free",
    "ps_client_new",
    "ps_client_free",
    "ps_cancel_new",
    "ps_cancel_trigger",
    "ps_cancel_set_timeout",
    "ps_cancel_free",
    "ps_call",
    "ps_call_into",
)

native_version = (lib.ps_version() or b"").decode("utf-8", "replace")
if native_version != __version__:
    raise ImportError(
        f"paperspace_core {__version__} cannot use {lib_path}: it is libpaperspace {native_version}. "
        f"Rebuild or reinstall so that both match (or point {ENV_VAR} at a matching library)."
    )


def status_name(code: int) -> str:
    """``ps_status_name(code)``: ``"validation"``, ``"api"``, ... (``"unknown"`` otherwise)."""
    name = lib.ps_status_name(code)
    return name.decode("utf-8", "replace") if name else "unknown"


def _text_at() -> Callable[[int], str]:
    """A function that makes a ``str`` of a NUL-terminated UTF-8 string of the library.

    On CPython that is ``PyUnicode_FromString``: one pass, straight into the ``str``. The
    portable way (``string_at``, then ``decode``) first copies the text into a ``bytes`` object:
    for a 16 MiB answer, 16 MiB more at the call's peak. The library's strings are always
    UTF-8 (Rust strings), so both give the same text."""
    try:
        from_string = ctypes.pythonapi.PyUnicode_FromString
    except (AttributeError, OSError):  # pragma: no cover - not CPython
        return lambda address: ctypes.string_at(address).decode("utf-8", "surrogatepass")
    from_string.restype = ctypes.py_object
    from_string.argtypes = [c_void_p]
    return from_string  # type: ignore[no-any-return,unused-ignore]


text_at = _text_at()


class RuntimeHooks(ctypes.Structure):
    """``ps_runtime_hooks``: CPython's own functions, as plain function pointers."""

    _fields_ = [("suspend", c_void_p), ("resume", c_void_p), ("check", c_void_p)]


def _call_into() -> tuple[Callable[..., str], object, int]:
    """``ps_call_into`` declared so that ctypes keeps the GIL (the library releases it with
    ``suspend``), takes the ``str`` it returns and raises the exception a signal handler left;
    the hooks it is given (CPython's ``PyEval_SaveThread``, ``PyEval_RestoreThread``,
    ``PyErr_CheckSignals``) and its ``make`` (``PyUnicode_FromStringAndSize``): the answer
    arrives as a ``str`` in one foreign call. For the main thread only (see ``_native``)."""
    api = ctypes.pythonapi
    hooks = RuntimeHooks(
        *(ctypes.cast(fn, c_void_p).value for fn in (api.PyEval_SaveThread, api.PyEval_RestoreThread, api.PyErr_CheckSignals))
    )
    make = ctypes.cast(api.PyUnicode_FromStringAndSize, c_void_p).value or 0
    prototype = ctypes.PYFUNCTYPE(
        ctypes.py_object, c_void_p, c_char_p, c_char_p, c_void_p, POINTER(RuntimeHooks), c_void_p, POINTER(c_int32)
    )
    return prototype(("ps_call_into", lib)), ctypes.byref(hooks), make


# Elsewhere than on CPython (no ctypes.pythonapi): every thread calls ps_call, and handlers run
# when a call returns.
try:
    call_into, hooks, make = _call_into()
except (AttributeError, OSError):  # pragma: no cover - not CPython
    call_into, hooks, make = None, None, 0  # type: ignore[assignment]


def take_string(ptr: c_void_p) -> str | None:
    """Copies an owned string out of the library and frees it (always, even on error)."""
    address = ptr.value
    if not address:
        return None
    try:
        return text_at(address)
    finally:
        lib.ps_string_free(address)
