"""qianbai-rules: the Jiangbei 千百工程 plan as declarative rules over facility records."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qianbai-rules")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+source"
