"""qianbai-rules: the Jiangbei 千百工程 plan as declarative rules over facility records."""

__version__ = "0.1.0"
