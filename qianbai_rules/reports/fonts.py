"""Whether this machine can print Chinese in a PDF.

WeasyPrint lays text out with Pango, which finds its fonts through fontconfig. Without a
font covering Chinese every Chinese character of a report, whatever ``--lang`` (names,
addresses and streets are Chinese), would be an empty box, and nothing would say so. So
fontconfig itself is asked, as ``fc-list :lang=zh`` asks it, once per run and before
anything is rendered; the same configuration (``FONTCONFIG_FILE`` and the rest) is read
as WeasyPrint reads it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib
from functools import cache

from qianbai_rules.io.writing import ReportError
from qianbai_rules.texts.labels import pair

# The names WeasyPrint loads fontconfig by, on Linux, macOS and Windows.
_LIBRARIES = ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll")


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


def _fontconfig() -> ctypes.CDLL | None:
    library = _load()
    if library is None:
        # WeasyPrint's own loading first adds the folders of its libraries (Windows).
        with contextlib.suppress(ImportError, OSError):
            importlib.import_module("weasyprint.text.ffi")
            library = _load()
    return library


def _load() -> ctypes.CDLL | None:
    for name in (*_LIBRARIES, None):
        name = name or ctypes.util.find_library("fontconfig")  # asked only as a last resort
        if name is None:
            continue
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        library.FcNameParse.restype = ctypes.c_void_p
        library.FcNameParse.argtypes = [ctypes.c_char_p]
        library.FcObjectSetCreate.restype = ctypes.c_void_p
        library.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        library.FcFontList.restype = ctypes.POINTER(_FontSet)
        library.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        library.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FontSet)]
        library.FcPatternDestroy.argtypes = [ctypes.c_void_p]
        library.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
        return library
    return None


def chinese_font_count() -> int:
    """How many fonts (by family and file) fontconfig knows that cover Chinese; 0 when
    there is none or fontconfig cannot be loaded (then WeasyPrint cannot run either)."""
    library = _fontconfig()
    if library is None:
        return 0
    pattern = library.FcNameParse(b":lang=zh")
    objects = library.FcObjectSetCreate()
    try:
        for name in (b"family", b"file"):
            library.FcObjectSetAdd(objects, name)
        found = library.FcFontList(None, pattern, objects)
        if not found:
            return 0
        try:
            return int(found.contents.nfont)
        finally:
            library.FcFontSetDestroy(found)
    finally:
        library.FcObjectSetDestroy(objects)
        library.FcPatternDestroy(pattern)


@cache
def require_chinese_font() -> None:
    """Nothing when a font covers Chinese; else a :class:`ReportError` (exit 2) that names
    the package to install. Asked once per process: fonts do not come and go during a run."""
    if chinese_font_count() == 0:
        raise ReportError(*pair("pdf.no_chinese_font"))
