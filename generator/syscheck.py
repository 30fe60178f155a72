"""Check the system libraries WeasyPrint needs before a render fails deep inside.

Run as `python -m generator.syscheck`; exits 1 with the package to install. A library
that only makes the PDF quicker is named in a note, and the check still passes.
"""

from __future__ import annotations

import ctypes.util
import sys

NEEDED = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
}
# Without HarfBuzz's subsetter (HarfBuzz 4.1.0 or newer) WeasyPrint cuts the PDF's fonts
# down to the glyphs used with fontTools, in Python: about 0.4 CPU s a PDF
# (benchmarks/README.md). WeasyPrint says future versions will require it.
RECOMMENDED = {"harfbuzz-subset": "libharfbuzz-subset0"}
SUBSETTER_SINCE = (4, 1, 0)


def missing_libraries(libraries: dict[str, str] = NEEDED) -> list[str]:
    return [pkg for lib, pkg in libraries.items() if ctypes.util.find_library(lib) is None]


def _harfbuzz_at_least(version: tuple[int, int, int]) -> bool:
    """The system's HarfBuzz is `version` or newer (False when it cannot tell)."""
    name = ctypes.util.find_library("harfbuzz")
    try:
        check = ctypes.CDLL(name or "libharfbuzz.so.0").hb_version_atleast
    except (OSError, AttributeError):
        return False
    check.argtypes = [ctypes.c_uint] * 3
    check.restype = ctypes.c_int
    return bool(check(*version))


def subsetter_missing() -> list[str]:
    """The packages that would let WeasyPrint subset fonts in C ([] when it does)."""
    missing = missing_libraries(RECOMMENDED)
    if missing or _harfbuzz_at_least(SUBSETTER_SINCE):
        return missing
    return ["libharfbuzz-subset0 (HarfBuzz 4.1 or newer)"]


def main() -> int:
    missing = missing_libraries()
    if missing:
        print(
            "aibrief: error: WeasyPrint (the PDF renderer) needs the system's Pango library, "
            f"which is missing. Install it: apt-get install {' '.join(missing)} "
            "(Debian/Ubuntu; on Fedora: dnf install pango; on macOS: brew install pango)",
            file=sys.stderr,
        )
        return 1
    quicker = subsetter_missing()
    if quicker:
        print(
            "aibrief: note: HarfBuzz's font subsetter is not installed, so each PDF takes "
            f"about 0.4 s longer. Install it: apt-get install {' '.join(quicker)} "
            "(Debian/Ubuntu; on Fedora: dnf install harfbuzz; on macOS: brew install "
            "harfbuzz)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
