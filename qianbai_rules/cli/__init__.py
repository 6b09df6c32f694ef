"""The ``qianbai`` command: one module per command, the shared options once."""

from qianbai_rules.cli.app import main

__all__ = ["main"]
