"""The ``qianbai`` command: one module per command, the shared options once (``app``)."""
