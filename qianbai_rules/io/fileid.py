"""Which file a path names, as the system sees it: two paths to one file are one file."""

from __future__ import annotations

import os
from pathlib import Path


def file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the file ``path`` leads to (links followed); None when there
    is none or the path cannot name one (a NUL in it)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino
