"""Finding and checking the native library."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import paperspace_core as ps
from paperspace_core import _ffi
from paperspace_core import _operations as operations

PACKAGE = Path(ps.__file__).resolve().parent
REPO = PACKAGE.parents[3]


def run_python(code: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=30
    )


def env_with(**changes: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PACKAGE.parent)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def test_versions_match() -> None:
    cargo = (REPO / "Cargo.toml").read_text()
    match = re.search(r'^version = "(.+)"$', cargo, re.M)
    assert match is not None
    assert ps.__version__ == match.group(1) == _ffi.native_version
    header = (REPO / "include" / "paperspace.h").read_text()
    assert f'#define PS_VERSION "{ps.__version__}"' in header


def test_the_environment_variable_wins() -> None:
    expected = os.environ.get("PAPERSPACE_LIB")
    if expected:
        assert _ffi.lib_path == expected


def test_a_bad_environment_variable_is_an_import_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.so")
    result = run_python("import paperspace_core", env_with(PAPERSPACE_LIB=missing))
    assert result.returncode == 1
    assert "ImportError" in result.stderr
    assert f"PAPERSPACE_LIB={missing!r}" in result.stderr


def test_no_library_anywhere_is_an_import_error_naming_the_variable(tmp_path: Path) -> None:
    # A copy of the package outside the repository, without _native/: nothing to find.
    shutil.copytree(PACKAGE, tmp_path / "paperspace_core", ignore=shutil.ignore_patterns("_native", "__pycache__"))
    env = env_with(PAPERSPACE_LIB=None, PYTHONPATH=str(tmp_path))
    result = run_python("import paperspace_core", env, cwd=tmp_path)
    assert result.returncode == 1
    assert "ImportError: paperspace_core: cannot find the native library libpaperspace.so" in result.stderr
    assert "set PAPERSPACE_LIB to its full path" in result.stderr


def test_a_packaged_library_is_found_without_the_variable(tmp_path: Path) -> None:
    copy = tmp_path / "paperspace_core"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("_native", "__pycache__"))
    (copy / "_native").mkdir()
    shutil.copy2(_ffi.lib_path, copy / "_native" / "libpaperspace.so")
    env = env_with(PAPERSPACE_LIB=None, PYTHONPATH=str(tmp_path))
    result = run_python("import paperspace_core._ffi as f; print(f.lib_path)", env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(copy / "_native" / "libpaperspace.so")


def test_a_version_mismatch_is_an_import_error() -> None:
    code = (
        "import sys, types\n"
        "fake = types.ModuleType('paperspace_core._version')\n"
        "fake.__version__ = '9.9.9'\n"
        "sys.modules['paperspace_core._version'] = fake\n"
        "import paperspace_core\n"
    )
    result = run_python(code, env_with())
    assert result.returncode == 1
    assert f"ImportError: paperspace_core 9.9.9 cannot use {_ffi.lib_path}: it is libpaperspace {ps.__version__}" in (
        result.stderr
    )


def test_only_the_fixed_functions_are_declared() -> None:
    """The binding declares the 12 functions it uses once; operations go through ps_call (and
    ps_call_into for the main thread) by name, so no per-operation export is declared (nor
    needs to be for a new operation)."""
    header = (REPO / "include" / "paperspace.h").read_text()
    names = set(re.findall(r"\b(ps_[a-z_]+)\(", header))
    assert set(_ffi.DECLARED) <= names
    for name in names:
        fn = getattr(_ffi.lib, name)
        if name in _ffi.DECLARED and name != "ps_call_into":
            assert fn.argtypes is not None, name
        else:
            assert fn.argtypes is None, f"{name} is declared but the binding runs operations through ps_call"
            unused = ("ps_call_hooked", "ps_call_into", "ps_machines_wait_cancellable")
            assert name[3:] in operations.OPERATIONS or name in unused, name
    # ps_call_into keeps the GIL (the library releases it), raises a handler's exception and
    # returns a str made by CPython's own function: a PYFUNCTYPE prototype of its own.
    call: Any = _ffi.call_into
    assert call.restype is ctypes.py_object and call.argtypes[6] is ctypes.POINTER(ctypes.c_int32)
    assert _ffi.make == ctypes.cast(ctypes.pythonapi.PyUnicode_FromStringAndSize, ctypes.c_void_p).value
    assert _ffi.lib.ps_call.argtypes[4] is _ffi.OutString  # owned strings are never c_char_p (leak)
    assert call._flags_ & ctypes._FUNCFLAG_PYTHONAPI  # type: ignore[attr-defined]
    hooks = ctypes.cast(cast(Any, _ffi.hooks), ctypes.POINTER(_ffi.RuntimeHooks)).contents
    api = ctypes.pythonapi
    assert [hooks.suspend, hooks.resume, hooks.check] == [
        ctypes.cast(fn, ctypes.c_void_p).value
        for fn in (api.PyEval_SaveThread, api.PyEval_RestoreThread, api.PyErr_CheckSignals)
    ]
    assert _ffi.lib.ps_client_new.argtypes[2] is _ffi.OutString
    assert _ffi.lib.ps_cancel_set_timeout.argtypes == [ctypes.c_void_p, ctypes.c_uint64]


def test_status_names() -> None:
    assert [_ffi.status_name(c) for c in (0, 1, 2, 6, 9, 98, 99, 1234)] == [
        "ok",
        "invalid_argument",
        "validation",
        "api",
        "machine_error",
        "internal",
        "panic",
        "unknown",
    ]


def test_the_librarys_strings_are_read_as_utf8_straight_into_str() -> None:
    text = 'm\u00e9tal \u20ac \U0001f600 "quoted" \\ end'
    buf = ctypes.create_string_buffer(text.encode("utf-8"))
    read = _ffi.text_at(ctypes.addressof(buf))
    assert type(read) is str and read == text
    assert _ffi.text_at(ctypes.addressof(ctypes.create_string_buffer(b""))) == ""
