"""Runs pytest files with the python3 that has moto and boto3 (not a Debian package here),
taking pytest from Debian's python3-pytest when that python3 has none of its own.

Usage: python3 tests/support/moto/pytest_main.py FILE... [pytest options]

Debian's dist-packages folder is appended after this interpreter's own site-packages, so
moto's and boto3's own dependencies win over Debian's copies. Without moto or pytest the run
prints one line saying why and exits 0: the suites only run where moto is installed.
"""

import sys

DEBIAN_DIST_PACKAGES = "/usr/lib/python3/dist-packages"


def main():
    try:
        import boto3  # noqa: F401
        import moto  # noqa: F401
    except ImportError as missing:
        print(
            f"moto suite did not run: {sys.executable} cannot import {missing.name} "
            "(pip install 'moto[server]==5.2.1' boto3)"
        )
        return 0
    try:
        import pytest
    except ImportError:
        sys.path.append(DEBIAN_DIST_PACKAGES)
        try:
            import pytest
        except ImportError:
            print(
                f"moto suite did not run: no pytest for {sys.executable} "
                "(apt-get install python3-pytest)"
            )
            return 0
    # No cache folder in the source tree.
    return pytest.main(["-p", "no:cacheprovider", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
