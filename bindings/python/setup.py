"""Build hook: builds libpaperspace with cargo and ships it inside the package.

Everything else is declared in pyproject.toml. Two commands are customised:

- ``build_py`` runs ``cargo build --release --lib`` in the repository root (found relative to
  this file) and copies the shared library to ``paperspace_core/_native/``. Set
  ``PAPERSPACE_PREBUILT_LIB`` to the path of an already built library to skip cargo.
- ``bdist_wheel`` tags the wheel ``py3-none-<platform>``: it carries a native library (so it is
  platform specific) but no Python extension module (so any Python 3 can use it).
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
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1 with the separate `wheel` package
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent  # bindings/python -> bindings -> repository root

if sys.platform == "win32":
    LIB_NAME = "paperspace.dll"
elif sys.platform == "darwin":
    LIB_NAME = "libpaperspace.dylib"
else:
    LIB_NAME = "libpaperspace.so"


def _cargo_target_dir() -> Path:
    """Where cargo puts its output (honours CARGO_TARGET_DIR and .cargo/config)."""
    try:
        out = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return Path(json.loads(out)["target_directory"])
    except (OSError, subprocess.CalledProcessError, ValueError, KeyError):
        return Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))


def _native_library() -> Path:
    prebuilt = os.environ.get("PAPERSPACE_PREBUILT_LIB")
    if prebuilt:
        path = Path(prebuilt)
        if not path.is_file():
            raise SystemExit(f"PAPERSPACE_PREBUILT_LIB={prebuilt} is not a file")
        return path
    if not (REPO / "Cargo.toml").is_file():
        raise SystemExit(
            f"cannot build libpaperspace: no Cargo.toml in {REPO}. Build the package from the "
            "repository (pip install ./bindings/python), or set PAPERSPACE_PREBUILT_LIB."
        )
    cargo = os.environ.get("CARGO", "cargo")
    print(f"building libpaperspace: {cargo} build --release --lib (in {REPO})", flush=True)
    try:
        subprocess.run([cargo, "build", "--release", "--lib"], cwd=REPO, check=True)
    except FileNotFoundError:
        raise SystemExit("cannot build libpaperspace: cargo not found (install Rust, or set CARGO)") from None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"cannot build libpaperspace: cargo failed with status {exc.returncode}") from None
    path = _cargo_target_dir() / "release" / LIB_NAME
    if not path.is_file():
        raise SystemExit(f"cargo finished but {path} does not exist")
    return path


class BuildPyWithNative(build_py):
    """build_py that also builds the native library and copies it into the package."""

    def run(self) -> None:
        super().run()
        source = _native_library()
        if getattr(self, "editable_mode", False):
            target_dir = HERE / "src" / "paperspace_core" / "_native"
        else:
            target_dir = Path(self.build_lib) / "paperspace_core" / "_native"
        target_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target_dir / LIB_NAME)


class PlatformWheel(bdist_wheel):
    """A platform wheel that any Python 3 can use: ``py3-none-<platform>``."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self) -> tuple[str, str, str]:
        _, _, platform = super().get_tag()
        return "py3", "none", platform


class BinaryDistribution(Distribution):
    """Tells setuptools the package is not pure Python (it carries a shared library)."""

    def has_ext_modules(self) -> bool:
        return True


setup(
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildPyWithNative, "bdist_wheel": PlatformWheel},
)
