"""Where the shipped rules and templates are: inside the wheel, or in the source tree."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from qianbai_rules.core.errors import QianbaiError
from qianbai_rules.core.limits import MAX_RULE_FILE_BYTES

_PACKAGE = Path(__file__).resolve().parent.parent


def _find(installed: str, source: str) -> Path:
    inside = _PACKAGE / "_data" / installed
    return inside if inside.is_dir() else _PACKAGE.parent / source


def rules_dir() -> Path:
    return _find("rules", "rules")


def templates_dir() -> Path:
    return _find("templates", "reports/templates")


def shipped(path: Path) -> bool:
    """Whether a file is one of the rules or templates shipped with the package."""
    where = Path(os.path.realpath(path))  # a link that loops is no shipped file
    return where.is_relative_to(rules_dir().resolve()) or \
        where.is_relative_to(templates_dir().resolve())


class RuleFileError(QianbaiError, OSError):
    """A rule, parameter or plan file that is not read: not a regular file, or too large."""


def read_rule_bytes(path: Path) -> bytes:
    """The bytes of a rule, parameter, test or plan file: a regular file (a symlink to one
    is followed) of at most MAX_RULE_FILE_BYTES, read without blocking on a FIFO or a device."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise RuleFileError(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(os.fstat(handle).st_mode):  # before fdopen, which refuses a folder
        os.close(handle)
        raise RuleFileError("not a regular file (a folder, device, FIFO or socket)")
    with os.fdopen(handle, "rb") as stream:
        data = stream.read(MAX_RULE_FILE_BYTES + 1)
    if len(data) > MAX_RULE_FILE_BYTES:
        raise RuleFileError(f"larger than {MAX_RULE_FILE_BYTES:,} bytes")
    return data


def read_rule_text(path: Path) -> str:
    """The UTF-8 text of a rule file (see :func:`read_rule_bytes`)."""
    return read_rule_bytes(path).decode("utf-8")


def yaml_files(folder: Path, recursive: bool = False) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The ``*.yaml`` files of a rule folder, sorted, and what is wrong with the others: a
    symbolic link to a folder (which could loop) is not followed but reported, and so is
    an entry named ``*.yaml`` that is not a regular file."""
    found: list[Path] = []
    problems: list[tuple[Path, str]] = []
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        if entry.is_symlink() and (entry.is_dir() or not entry.exists()):
            if entry.is_dir() or entry.suffix == ".yaml":
                problems.append((entry, "a symbolic link to a folder, or one that leads nowhere "
                                        "or loops, is not read in a rule folder"))
        elif entry.is_dir():
            if recursive:
                more, wrong = yaml_files(entry, recursive)
                found += more
                problems += wrong
        elif entry.suffix == ".yaml":
            if entry.is_file():
                found.append(entry)
            else:
                problems.append((entry, "not a regular file (a device, FIFO or socket)"))
    return found, problems
