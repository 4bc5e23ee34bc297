"""Build hook: builds libpaperspace and the emulator with cargo and ships both in the package.

Everything else is declared in pyproject.toml. Three commands are customised:

- ``build_py`` builds, with cargo, the shared library (``--lib``) and the emulator
  (``--features emulator --bin paperspace-emulator``), both stripped, and copies them with the
  emulator's default scenario to ``paperspace_core/_native/``.
- ``sdist`` adds the Rust crate (Cargo.toml, Cargo.lock, build.rs, cbindgen.toml, src/,
  include/, and docs/openapi.json, which the emulator embeds) under ``crate/``, so that the
  sdist builds on its own.
- ``bdist_wheel`` tags the wheel ``py3-none-<platform>``: it carries native code (so it is
  platform specific) but no Python extension module (so any Python 3 can use it).

Environment:

- ``PAPERSPACE_ZIGBUILD_TARGET`` (e.g. ``x86_64-unknown-linux-gnu.2.28``): build with
  ``cargo zigbuild --target`` that target, which links against that glibc version (how the
  published manylinux wheels are built, see the README).
- ``PAPERSPACE_PREBUILT_LIB`` / ``PAPERSPACE_PREBUILT_EMULATOR``: ship these files instead of
  running cargo for them.
- ``CARGO``: the cargo to run; ``CARGO_TARGET_DIR``: where cargo builds (cargo's own variable).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1 with the separate `wheel` package
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
# In an sdist the crate is beside this file; in the repository it is two levels up.
SDIST_CRATE = HERE / "crate"
REPO = HERE.parent.parent
# docs/openapi.json is compiled into the emulator (include_str!).
CRATE_FILES = ("Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml", "docs/openapi.json")
CRATE_DIRS = ("src", "include")

if sys.platform == "win32":
    LIB_NAME, EMULATOR_NAME = "paperspace.dll", "paperspace-emulator.exe"
elif sys.platform == "darwin":
    LIB_NAME, EMULATOR_NAME = "libpaperspace.dylib", "paperspace-emulator"
else:
    LIB_NAME, EMULATOR_NAME = "libpaperspace.so", "paperspace-emulator"


def _crate() -> Path:
    for path in (SDIST_CRATE, REPO):
        if (path / "Cargo.toml").is_file():
            return path
    raise SystemExit(
        f"cannot build paperspace_core: no Rust crate (Cargo.toml) in {SDIST_CRATE} or {REPO}. "
        "Build from the repository (pip install ./bindings/python) or from the sdist, or set "
        "PAPERSPACE_PREBUILT_LIB and PAPERSPACE_PREBUILT_EMULATOR."
    )


def _cargo_target_dir(crate: Path) -> Path:
    """Where cargo puts its output (honours CARGO_TARGET_DIR and .cargo/config)."""
    try:
        out = subprocess.run(
            [os.environ.get("CARGO", "cargo"), "metadata", "--format-version", "1", "--no-deps", "--offline"],
            cwd=crate,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return Path(json.loads(out)["target_directory"])
    except (OSError, subprocess.CalledProcessError, ValueError, KeyError):
        return Path(os.environ.get("CARGO_TARGET_DIR", crate / "target"))


def _cargo(crate: Path, what: str, args: list[str], name: str) -> Path:
    """Runs one cargo build in its own target directory (the library and the emulator are
    built with different features, and the shipped library must not carry the emulator) and
    returns the path of the file it made."""
    target_dir = _cargo_target_dir(crate) / "python" / what
    zig_target = os.environ.get("PAPERSPACE_ZIGBUILD_TARGET")
    cargo = os.environ.get("CARGO", "cargo")
    command = [cargo, "zigbuild" if zig_target else "build", "--release", "--locked", *args]
    command += ["--target-dir", str(target_dir)]
    out_dir = target_dir / "release"
    if zig_target:
        command += ["--target", zig_target]
        # cargo-zigbuild's `<triple>.<glibc version>` builds into the plain triple's directory.
        out_dir = target_dir / zig_target.split(".", 1)[0] / "release"
    # Shipped stripped: line tables and symbols triple the library's size for no user benefit.
    env = dict(os.environ)
    env.setdefault("CARGO_PROFILE_RELEASE_STRIP", "symbols")
    env.setdefault("CARGO_PROFILE_RELEASE_DEBUG", "false")
    print(f"building {name}: {' '.join(command)} (in {crate})", flush=True)
    try:
        subprocess.run(command, cwd=crate, env=env, check=True)
    except FileNotFoundError:
        raise SystemExit(f"cannot build {name}: {cargo} not found (install Rust, or set CARGO)") from None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"cannot build {name}: cargo failed with status {exc.returncode}") from None
    path = out_dir / name
    if not path.is_file():
        raise SystemExit(f"cargo finished but {path} does not exist")
    return path


def _prebuilt(variable: str) -> Path | None:
    value = os.environ.get(variable)
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise SystemExit(f"{variable}={value} is not a file")
    return path


def _native_files() -> list[tuple[Path, str]]:
    """(source, name in _native/) of every file the package ships besides its Python code."""
    lib = _prebuilt("PAPERSPACE_PREBUILT_LIB")
    emulator = _prebuilt("PAPERSPACE_PREBUILT_EMULATOR")
    crate = _crate() if lib is None or emulator is None else None
    if lib is None:
        assert crate is not None
        lib = _cargo(crate, "lib", ["--lib"], LIB_NAME)
    if emulator is None:
        assert crate is not None
        args = ["--features", "emulator", "--bin", "paperspace-emulator"]
        emulator = _cargo(crate, "emulator", args, EMULATOR_NAME)
    files = [(lib, LIB_NAME), (emulator, EMULATOR_NAME)]
    # The emulator's built-in scenario, for paperspace_core.testing.default_scenario().
    scenario = (crate or _crate()) / "src" / "emulator" / "default_scenario.json"
    files.append((scenario, "default_scenario.json"))
    return files


class BuildPyWithNative(build_py):
    """build_py that also builds the native library and the emulator into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            target_dir = HERE / "src" / "paperspace_core" / "_native"
        else:
            target_dir = Path(self.build_lib) / "paperspace_core" / "_native"
        target_dir.mkdir(parents=True, exist_ok=True)
        for source, name in _native_files():
            shutil.copyfile(source, target_dir / name)
            (target_dir / name).chmod(0o644 if name.endswith(".json") else 0o755)


class SdistWithCrate(sdist):
    """sdist that carries the Rust crate under ``crate/`` (the build needs nothing else)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        crate = _crate()
        target = Path(base_dir) / "crate"
        for name in CRATE_FILES:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(crate / name, target / name)
        for name in CRATE_DIRS:
            shutil.copytree(crate / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


class PlatformWheel(bdist_wheel):
    """A platform wheel that any Python 3 can use: ``py3-none-<platform>``."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self) -> tuple[str, str, str]:
        _, _, platform = super().get_tag()
        return "py3", "none", platform


class BinaryDistribution(Distribution):
    """Tells setuptools the package is not pure Python (it carries native code)."""

    def has_ext_modules(self) -> bool:
        return True


setup(
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildPyWithNative, "sdist": SdistWithCrate, "bdist_wheel": PlatformWheel},
)
