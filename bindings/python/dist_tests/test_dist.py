"""The distributions `make dist` built (PAPERSPACE_DIST_DIR): their contents, and each one
installed into a fresh venv and used against the emulator it ships, as a user would.

Run by `make test-dist` (part of `make test`), which builds them first.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

VERSION = "0.1.0"
WHEEL = f"paperspace_core-{VERSION}-py3-none-manylinux_2_28_x86_64.whl"
SDIST = f"paperspace_core-{VERSION}.tar.gz"
NATIVE = "paperspace_core/_native/"
REPO = Path(__file__).resolve().parents[3]

# Run in the fresh venv: one call through the library against the emulator shipped with it.
USE = """
import paperspace_core, sys
from paperspace_core import _ffi
from paperspace_core.testing import Emulator, emulator_path
assert _ffi.lib_path.startswith(sys.prefix), _ffi.lib_path
assert emulator_path().startswith(sys.prefix), emulator_path()
with Emulator() as emulator, emulator.client() as client:
    print([t["label"] for t in client.templates.list(id="t04azgph")])
"""
USE_OUTPUT = "['Ubuntu 18.04 Server']\n"

# A user's test using the plugin's fixtures, found through the pytest11 entry point.
USER_TEST = """
def test_with_the_fixture(paperspace_client, paperspace_emulator):
    assert paperspace_client.users.list(email="admin@example.com")[0]["id"] == "uq8w3kz5"
    assert paperspace_emulator.stats()["requests"] == {"GET /users/getUsers": 1}
"""


@pytest.fixture(scope="module")
def dist_dir() -> Path:
    value = os.environ.get("PAPERSPACE_DIST_DIR")
    assert value, "PAPERSPACE_DIST_DIR is not set: run these tests with `make test-dist`"
    return Path(value)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that would point Python at the repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERSPACE_") and k != "PYTHONPATH"}
    env.update(extra)
    return env


def venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    return path / "bin" / "python"


def pip_install(python: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> None:
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args]
    result = subprocess.run(command, env=env or clean_env(), capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), *args], env=clean_env(), cwd=cwd, capture_output=True, text=True, timeout=120)


def elf_sections(data: bytes) -> list[str]:
    """The section names of a 64-bit little-endian ELF file."""
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab_offset = headers[shstrndx][4]
    names = []
    for name_offset, *_ in headers:
        start = strtab_offset + name_offset
        names.append(data[start : data.index(b"\0", start)].decode())
    return names


def test_exactly_the_two_distributions(dist_dir: Path) -> None:
    assert sorted(p.name for p in dist_dir.iterdir() if not p.name.startswith(".")) == [WHEEL, SDIST]


@pytest.fixture(scope="module")
def wheel(dist_dir: Path) -> Iterator[zipfile.ZipFile]:
    with zipfile.ZipFile(dist_dir / WHEEL) as archive:
        yield archive


def test_wheel_ships_a_stripped_library_and_the_emulator(wheel: zipfile.ZipFile) -> None:
    native = {i.filename: i for i in wheel.infolist() if i.filename.startswith(NATIVE) and not i.is_dir()}
    assert sorted(native) == [NATIVE + n for n in ("default_scenario.json", "libpaperspace.so", "paperspace-emulator")]
    lib = native[NATIVE + "libpaperspace.so"]
    assert lib.file_size < 5_000_000, f"libpaperspace.so is {lib.file_size} bytes: not stripped?"
    emulator = native[NATIVE + "paperspace-emulator"]
    assert (emulator.external_attr >> 16) & 0o777 == 0o755
    for info in (lib, emulator):
        sections = elf_sections(wheel.read(info))
        assert ".dynsym" in sections
        assert [s for s in sections if s.startswith(".debug") or s == ".symtab"] == [], info.filename


def test_wheel_metadata(wheel: zipfile.ZipFile) -> None:
    info = f"paperspace_core-{VERSION}.dist-info/"
    metadata = wheel.read(info + "METADATA").decode()
    assert "\nLicense-Expression: MIT\n" in metadata
    assert "\nLicense-File: LICENSE\n" in metadata
    assert wheel.read(info + "licenses/LICENSE") == (REPO / "LICENSE").read_bytes()
    entry_points = wheel.read(info + "entry_points.txt").decode()
    assert "[pytest11]\npaperspace_core = paperspace_core.testing.pytest_plugin\n" in entry_points
    tags = re.findall(r"^Tag: (.+)$", wheel.read(info + "WHEEL").decode(), re.M)
    assert tags == ["py3-none-manylinux_2_28_x86_64"]


def test_auditwheel_accepts_the_wheel(dist_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "auditwheel", "show", str(dist_dir / WHEEL)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert 'is consistent with the following platform tag: "manylinux_2_28_x86_64"' in text, text


def test_sdist_carries_the_crate(dist_dir: Path) -> None:
    top = f"paperspace_core-{VERSION}/"
    with tarfile.open(dist_dir / SDIST) as archive:
        names = {m.name[len(top) :] for m in archive.getmembers() if m.isfile()}
        pkg_info = archive.extractfile(top + "PKG-INFO")
        assert pkg_info is not None
        assert "\nLicense-Expression: MIT\n" in pkg_info.read().decode()
    for name in ("Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml", "docs/openapi.json"):
        assert "crate/" + name in names
    tracked = subprocess.run(
        ["git", "ls-files", "src", "include"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.split()
    assert sorted(n for n in names if n.startswith(("crate/src/", "crate/include/"))) == sorted(
        "crate/" + n for n in tracked
    )
    for name in ("LICENSE", "setup.py", "pyproject.toml", "src/paperspace_core/testing/pytest_plugin.py"):
        assert name in names
    assert [n for n in names if "/_native/" in n or n.startswith("crate/target/")] == []


def test_the_wheel_installs_and_works_in_a_fresh_venv(dist_dir: Path, tmp_path: Path) -> None:
    python = venv(tmp_path / "venv")
    pip_install(python, str(dist_dir / WHEEL), "pytest")
    result = run(python, "-c", USE, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, USE_OUTPUT), result.stderr
    (tmp_path / "test_user.py").write_text(USER_TEST)
    result = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_sdist_builds_and_works_in_a_fresh_venv(dist_dir: Path, tmp_path: Path) -> None:
    if shutil.which("cargo") is None:
        pytest.fail("building the sdist needs cargo on PATH")
    python = venv(tmp_path / "venv")
    # pip builds an archive by unpacking it to a new temporary directory and building there;
    # given the unpacked tree, it builds in place. Unpacked here at a fixed place, with a fixed
    # cargo target dir, later runs reuse the compiled crate (cargo's fingerprints hold the
    # sources' paths), and the build still sees only what the sdist carries.
    tree = Path(os.environ.get("PAPERSPACE_SDIST_TREE", str(tmp_path / "tree")))
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    with tarfile.open(dist_dir / SDIST) as archive:
        archive.extractall(tree)
    target = os.environ.get("PAPERSPACE_SDIST_TARGET_DIR", str(tmp_path / "target"))
    env = clean_env(CARGO_TARGET_DIR=target)
    pip_install(python, str(tree / f"paperspace_core-{VERSION}"), env=env, timeout=1500)
    result = run(python, "-c", USE, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, USE_OUTPUT), result.stderr
