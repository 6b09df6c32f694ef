"""The system tools some report tests read their outputs back with (Chromium, pdftotext,
pdffonts): skipped where missing, but a failure in CI, which installs them (.ci/run)."""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI") == "true"


def needs(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        if IN_CI:
            pytest.fail(f"{tool} must be installed in CI (.ci/run installs it)")
        pytest.skip(f"{tool} is not installed")
    return found
