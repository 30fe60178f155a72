"""Check the system libraries WeasyPrint needs before a render fails deep inside.

Run as `python -m generator.syscheck`; exits 1 with the package to install.
"""

from __future__ import annotations

import ctypes.util
import sys

NEEDED = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
}


def missing_libraries() -> list[str]:
    return [pkg for lib, pkg in NEEDED.items() if ctypes.util.find_library(lib) is None]


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
