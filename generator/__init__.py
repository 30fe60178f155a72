"""AI Trade Brief: how the AI build-out shows up in U.S. goods trade."""

from __future__ import annotations

_UNKNOWN = "0+unknown"  # a source tree used without `pip install -e .`


def __getattr__(name: str) -> str:
    """`generator.__version__`, from the installed package's metadata (pyproject.toml is
    the one place the version is written), looked up only when asked for: every process,
    each backfill worker too, imports this package."""
    if name != "__version__":
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aibrief")
    except PackageNotFoundError:
        return _UNKNOWN
