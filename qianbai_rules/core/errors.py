"""The root of the package's errors: every error it raises on purpose derives from
:class:`QianbaiError`, so that a library caller can catch them all in one ``except``.

The errors themselves stay with what raises them (``RulesError`` with the rule problems,
``ReportError`` with the output policy in io/writing.py, ``HistoryError`` with the history
database, ...), keep their names and meanings, and keep their built-in base where callers
relied on it (a ``ValueError`` stays one). This module imports nothing, so that any module
of any stage can use it.
"""

from __future__ import annotations


class QianbaiError(Exception):
    """An error of the qianbai package: a rule folder, record, report, history database or
    output stream that cannot be used as asked."""
