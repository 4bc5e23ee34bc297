"""The package version. It must equal the native library's ``ps_version()`` (checked at import)."""

__version__ = "0.1.0"
