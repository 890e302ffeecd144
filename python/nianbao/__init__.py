"""nianbao — Python binding of libnianbao (ctypes; nothing to compile).

libnianbao typesets a Chinese government body's annual report on government information
disclosure (政府信息公开工作年度报告) from its JSON data into an A4 PDF/A-1b whose tables
match the official template, and checks the arithmetic the template requires.  This
module wraps the library's public interface (include/nianbao.h) one to one:

    import nianbao
    pdf, findings = nianbao.render(open("report.json", "rb").read())
    findings = nianbao.check(data, previous=last_year)
    blank = nianbao.init("2021", 2024, body="某某县人民政府")   # a report to fill in (JSON)

    with nianbao.Engine(fonts={"body": "/path/仿宋_GB2312.ttf"}) as engine:
        for data in reports:                 # fonts and layouts stay loaded: warm renders
            pdf, findings = engine.render(data, date=0)

`render` returns the PDF's bytes and the checker's findings as the dict
`nianbao check --format json` prints ({"file", "findings": [...], "errors", "warnings"});
`check` returns the findings.  Every failure raises `nianbao.Error` (or its subclass
`CheckError` when the checker found errors and nothing was rendered) carrying the
library's one-line message, its return code and, when the data was read far enough, the
findings.

The module-level `render` and `check` use one engine made on first use and kept (so the
second and later calls are warm); make an `Engine` of your own for other settings.  An
engine is used by one thread at a time (calls are serialised by a lock); different
engines may run in different threads at once.

Finding the library, first that works: the NIANBAO_LIBRARY environment variable (a path);
libnianbao.so.0 next to this package; the build tree's build/libnianbao.so.0 when this
package is the one in a source checkout (python/nianbao); the library of the installation
this package belongs to (PREFIX/lib/python3/dist-packages/nianbao → PREFIX/lib/...); the
system's (ldconfig, through ctypes.util.find_library, then the loader's search path).

Data folder (layouts and font map): the `datadir` argument, else NIANBAO_DATADIR, else
the source checkout when the library is the build tree's, else the folder the library was
installed with.  The PDF's date: the `date` argument, else SOURCE_DATE_EPOCH (as the
command honours it), else the library's default (the data's signing date).
"""

import ctypes
import ctypes.util
import datetime as _dt
import json
import os
import sysconfig
import threading

__all__ = [
    "Engine", "Error", "CheckError", "render", "check", "init", "version", "library_path",
    "OK", "ERR_CHECK", "ERR_INPUT", "ERR_FONT", "ERR_USAGE", "ERR_NOMEM", "ERR_INTERNAL",
]
__version__ = "0.2.0"

# Return codes (enum nianbao_status).
OK = 0
ERR_CHECK = 1
ERR_INPUT = 2
ERR_FONT = 3
ERR_USAGE = 4
ERR_NOMEM = 5
ERR_INTERNAL = 6
_CODE_NAMES = {OK: "OK", ERR_CHECK: "ERR_CHECK", ERR_INPUT: "ERR_INPUT", ERR_FONT: "ERR_FONT",
               ERR_USAGE: "ERR_USAGE", ERR_NOMEM: "ERR_NOMEM", ERR_INTERNAL: "ERR_INTERNAL"}

STAGES = ("total", "read", "fonts", "check", "shape", "linebreak", "paginate", "subset", "write")


class Error(Exception):
    """A failure of libnianbao: `message` (the library's one line), `code` (ERR_*) and
    `findings` (the checker's findings as a dict, or None when there are none)."""

    def __init__(self, message, code, findings=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.findings = findings

    def __str__(self):
        return "%s (%s)" % (self.message, _CODE_NAMES.get(self.code, self.code))


class CheckError(Error):
    """The checker found errors, so nothing was rendered; `findings` lists them.  An
    engine made with force=True renders anyway."""


# ---- the library --------------------------------------------------------------------------

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))
_SOURCE_ROOT = os.path.dirname(os.path.dirname(_PKG_DIR))
_SONAME = "libnianbao.so.0"

_lib = None
_lib_path = None
_lib_in_build_tree = False
_lib_lock = threading.Lock()


def _installed_beside():
    """libnianbao.so.0 of the installation this package is part of: the package sits in
    PREFIX/lib/python3/dist-packages/nianbao (cmake/Install.cmake), the library in
    PREFIX/lib/MULTIARCH, PREFIX/lib64 or PREFIX/lib."""
    parts = _PKG_DIR.split(os.sep)
    if len(parts) < 5 or parts[-2] != "dist-packages" or parts[-4] != "lib":
        return []
    prefix = os.sep.join(parts[:-4])
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    dirs = [os.path.join(prefix, "lib", multiarch)] if multiarch else []
    return [os.path.join(d, _SONAME) for d in dirs + [os.path.join(prefix, "lib64"),
                                                       os.path.join(prefix, "lib")]]


def _candidates():
    env = os.environ.get("NIANBAO_LIBRARY")
    if env:
        yield env, False
        return
    yield os.path.join(_PKG_DIR, _SONAME), False
    if os.path.isfile(os.path.join(_SOURCE_ROOT, "include", "nianbao.h")):
        yield os.path.join(_SOURCE_ROOT, "build", _SONAME), True
    for path in _installed_beside():
        if os.path.exists(path):
            yield path, False
    found = ctypes.util.find_library("nianbao")
    if found:
        yield found, False
    yield _SONAME, False


def _load():
    global _lib, _lib_path, _lib_in_build_tree
    with _lib_lock:
        if _lib is not None:
            return _lib
        tried = []
        for path, in_build in _candidates():
            if os.sep in path and not os.path.exists(path):
                tried.append("%s (no such file)" % path)
                continue
            try:
                lib = ctypes.CDLL(path)
            except OSError as e:
                tried.append("%s (%s)" % (path, e))
                continue
            _declare(lib)
            _lib, _lib_path, _lib_in_build_tree = lib, path, in_build
            return lib
        raise Error("libnianbao not found: tried %s; install the nianbao package, or set "
                    "NIANBAO_LIBRARY to the path of libnianbao.so.0" % "; ".join(tried),
                    ERR_USAGE)


class _Options(ctypes.Structure):
    _fields_ = [("datadir", ctypes.c_char_p), ("threads", ctypes.c_int)]


def _declare(lib):
    P, S, I, D = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_double
    Z = ctypes.c_size_t
    sigs = {
        "nianbao_version": (S, []),
        "nianbao_options_init": (None, [ctypes.POINTER(_Options)]),
        "nianbao_engine_new": (P, [ctypes.POINTER(_Options)]),
        "nianbao_engine_free": (None, [P]),
        "nianbao_engine_set_font": (I, [P, S, S]),
        "nianbao_engine_set_date": (None, [P, ctypes.c_int64]),
        "nianbao_engine_set_pdfa": (None, [P, I]),
        "nianbao_engine_set_force": (None, [P, I]),
        "nianbao_engine_set_allow_missing_glyphs": (None, [P, I]),
        "nianbao_engine_set_notes": (None, [P, I]),
        "nianbao_engine_set_names": (I, [P, S, S]),
        "nianbao_engine_set_previous": (I, [P, S, Z, S]),
        "nianbao_engine_set_dump": (None, [P, I]),
        "nianbao_engine_set_batch": (I, [P, Z, I]),
        "nianbao_engine_busy": (I, [P]),
        "nianbao_engine_error": (S, [P]),
        "nianbao_render": (I, [P, S, Z, S, Z, ctypes.POINTER(P)]),
        "nianbao_check": (I, [P, S, Z, ctypes.POINTER(P)]),
        "nianbao_init": (I, [P, S, I, S, ctypes.POINTER(P)]),
        "nianbao_result_data": (S, [P]),
        "nianbao_result_status": (I, [P]),
        "nianbao_result_pdf": (ctypes.POINTER(ctypes.c_ubyte), [P, ctypes.POINTER(Z)]),
        "nianbao_result_findings_json": (S, [P]),
        "nianbao_result_findings_text": (S, [P]),
        "nianbao_result_errors": (Z, [P]),
        "nianbao_result_warnings": (Z, [P]),
        "nianbao_result_error": (S, [P]),
        "nianbao_result_notes": (S, [P]),
        "nianbao_result_dump": (S, [P]),
        "nianbao_result_pages": (Z, [P]),
        "nianbao_result_time": (D, [P, S]),
        "nianbao_result_free": (None, [P]),
    }
    for name, (res, args) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args


def library_path():
    """The path (or name) the library was loaded from."""
    _load()
    return _lib_path


def version():
    """The library's version, "0.2.0"."""
    return _load().nianbao_version().decode()


# ---- arguments ----------------------------------------------------------------------------

def _text(s):
    return None if s is None else os.fsencode(s) if isinstance(s, os.PathLike) else (
        s.encode("utf-8") if isinstance(s, str) else bytes(s))


def _json_bytes(value, what):
    """Report data or a layout given as bytes, str (JSON text) or a dict/list."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    raise TypeError("%s must be bytes, str (JSON text) or a dict, not %s"
                    % (what, type(value).__name__))


def _seconds(date):
    """A date setting in seconds since 1970 UTC: int, datetime (naive is UTC) or date."""
    if isinstance(date, bool):
        raise TypeError("date must be seconds since 1970, a datetime or a date")
    if isinstance(date, int):
        return date
    if isinstance(date, _dt.datetime):
        if date.tzinfo is None:
            date = date.replace(tzinfo=_dt.timezone.utc)
        return int(date.timestamp())
    if isinstance(date, _dt.date):
        return int(_dt.datetime(date.year, date.month, date.day,
                                tzinfo=_dt.timezone.utc).timestamp())
    raise TypeError("date must be seconds since 1970, a datetime or a date, not %s"
                    % type(date).__name__)


def _env_date():
    v = os.environ.get("SOURCE_DATE_EPOCH")
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError:
        raise Error("SOURCE_DATE_EPOCH is not a whole number of seconds: %r" % v, ERR_USAGE)


# ---- the engine ---------------------------------------------------------------------------

class Engine:
    """A warm libnianbao engine: create it once, render many reports.

    datadir   folder holding layouts/ and fonts/fontmap.json (default: see the module)
    threads   threads that subset one render's fonts (0: one per CPU, at most 4)
    fonts     {role: font file path or fontconfig family}, as `--font ROLE=FONT`
    pdfa, force, allow_missing_glyphs   as the command's --no-pdfa, --force,
              --allow-missing-glyphs
    notes     note every character taken from a fallback font (last_run["notes"]), as
              the command's -v; it makes warm renders slower
    previous  last year's report for the cross-year checks (see set_previous)
    """

    def __init__(self, datadir=None, threads=0, fonts=None, pdfa=True, force=False,
                 allow_missing_glyphs=False, notes=False, previous=None):
        lib = _load()
        self._lib = lib
        self._lock = threading.Lock()
        if datadir is None:
            datadir = os.environ.get("NIANBAO_DATADIR") or None
        if datadir is None and _lib_in_build_tree:
            datadir = _SOURCE_ROOT
        opts = _Options()
        lib.nianbao_options_init(ctypes.byref(opts))
        # The library copies the strings; keep them alive for the call anyway.
        self._datadir = _text(os.fspath(datadir)) if datadir is not None else None
        opts.datadir = self._datadir
        opts.threads = int(threads)
        self._e = lib.nianbao_engine_new(ctypes.byref(opts))
        if not self._e:
            raise Error("out of memory", ERR_NOMEM)
        self._names = (None, None)
        self._previous = (None, None)
        self.last_run = None
        try:
            for role, font in (fonts or {}).items():
                self.set_font(role, font)
            lib.nianbao_engine_set_pdfa(self._e, 1 if pdfa else 0)
            lib.nianbao_engine_set_force(self._e, 1 if force else 0)
            lib.nianbao_engine_set_allow_missing_glyphs(self._e, 1 if allow_missing_glyphs else 0)
            lib.nianbao_engine_set_notes(self._e, 1 if notes else 0)
            if previous is not None:
                self.set_previous(previous)
        except BaseException:
            self.close()
            raise

    # -- life --
    def close(self):
        """Frees the engine (its fonts and layouts); later calls raise Error."""
        e, self._e = getattr(self, "_e", None), None
        if e:
            self._lib.nianbao_engine_free(e)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _engine(self):
        if not self._e:
            raise Error("the engine is closed", ERR_USAGE)
        return self._e

    def _setting_failed(self, code):
        raise Error(self._lib.nianbao_engine_error(self._e).decode("utf-8", "replace"), code)

    # -- settings --
    def set_font(self, role, font):
        """Uses `font` (a file's path or a fontconfig family) for `role`."""
        with self._lock:
            rc = self._lib.nianbao_engine_set_font(self._engine(), _text(role),
                                                   _text(os.fspath(font)))
            if rc:
                self._setting_failed(rc)

    def set_previous(self, previous, name=None):
        """Last year's report (bytes, str or dict; None: none) for the cross-year checks of
        later renders and checks; `name` names it in messages."""
        with self._lock:
            self._engine()
            data = None if previous is None else _json_bytes(previous, "previous")
            self._put_previous(data, name)
            self._previous = (data, name)

    def _put_previous(self, data, name):
        rc = self._lib.nianbao_engine_set_previous(self._e, data, len(data) if data else 0,
                                                   _text(name))
        if rc:
            self._setting_failed(rc)

    def set_batch(self, runs, preprocess="auto"):
        """Says that about `runs` renders follow (0 ends batch mode): the engine then keeps
        recent font subsets for reuse and, as `preprocess` says ("auto", "always" or
        "never"), prepares faces for fast subsetting on a thread of its own (about 0.5 s
        and 140 MB a face, once).  The bytes are the same either way."""
        modes = {"auto": 0, "always": 1, "never": 2}
        if preprocess not in modes:
            raise Error("set_batch: preprocess is 'auto', 'always' or 'never', not %r"
                        % (preprocess,), ERR_USAGE)
        with self._lock:
            rc = self._lib.nianbao_engine_set_batch(self._engine(), int(runs), modes[preprocess])
            if rc:
                self._setting_failed(rc)

    @property
    def busy(self):
        """True while a batch's set-up still wants renders in this engine (the measurement
        run, or faces being prepared); see nianbao_engine_busy."""
        with self._lock:
            return bool(self._lib.nianbao_engine_busy(self._engine()))

    def _set_names(self, name, layout_name):
        names = (name, layout_name)
        if names != self._names:
            rc = self._lib.nianbao_engine_set_names(self._e, _text(name), _text(layout_name))
            if rc:
                self._setting_failed(rc)
            self._names = names

    # -- running --
    def init(self, edition=None, year=0, body=None, previous=None, previous_name=None):
        """A report to start from, as JSON text (str): the blank report of `edition`
        ("2019", "2021"; None: the edition of the year) for report year `year` (0: the year
        after last year's report), issued by `body` (None: last year's body, else a
        【请填写】 placeholder).  With `previous` (last year's report, for this call only;
        None: the engine's set_previous), what carries over is taken from it."""
        prev = None if previous is None else _json_bytes(previous, "previous")
        lib = self._lib
        with self._lock:
            e = self._engine()
            if prev is not None:
                self._put_previous(prev, previous_name)
            try:
                res = ctypes.c_void_p()
                rc = lib.nianbao_init(e, _text(edition), int(year), _text(body),
                                      ctypes.byref(res))
            finally:
                if prev is not None:
                    self._put_previous(*self._previous)
            if not res:
                self._setting_failed(rc)
            try:
                if rc != OK:
                    msg = lib.nianbao_result_error(res).decode("utf-8", "replace")
                    raise Error(msg or _CODE_NAMES.get(rc, "error %d" % rc), rc)
                return lib.nianbao_result_data(res).decode("utf-8")
            finally:
                lib.nianbao_result_free(res)

    def _result(self, rc, res, want_pdf):
        lib = self._lib
        try:
            fj = lib.nianbao_result_findings_json(res) if res else None
            findings = json.loads(fj.decode("utf-8")) if fj else None
            if rc != OK:
                msg = lib.nianbao_result_error(res).decode("utf-8", "replace") if res else ""
                cls = CheckError if rc == ERR_CHECK else Error
                raise cls(msg or _CODE_NAMES.get(rc, "error %d" % rc), rc, findings)
            self.last_run = {
                "pages": lib.nianbao_result_pages(res),
                "notes": lib.nianbao_result_notes(res).decode("utf-8", "replace"),
                "findings_text": lib.nianbao_result_findings_text(res).decode("utf-8", "replace"),
                "times": {s: lib.nianbao_result_time(res, s.encode()) for s in STAGES},
            }
            if not want_pdf:
                return findings
            n = ctypes.c_size_t(0)
            p = lib.nianbao_result_pdf(res, ctypes.byref(n))
            pdf = ctypes.string_at(p, n.value) if p and n.value else b""
            return pdf, findings
        finally:
            lib.nianbao_result_free(res)

    def render(self, data, layout=None, date=None, name=None):
        """Checks and renders one report; returns (pdf_bytes, findings).

        data     the report: bytes or str (JSON text), or a dict
        layout   None (the official layout of the data's edition), a layout file's path
                 (str or os.PathLike; its relative "fontmap" is found from it), or the
                 layout's JSON as bytes or a dict
        date     the PDF's date: seconds since 1970 UTC, a datetime or a date; None:
                 SOURCE_DATE_EPOCH when set, else the data's signing date
        name     what messages and findings call the data ("data" when None)
        """
        buf = _json_bytes(data, "data")
        layout_name = None
        if isinstance(layout, (str, os.PathLike)):
            layout_name = os.fspath(layout)
            with open(layout_name, "rb") as f:
                lay = f.read()
        elif layout is None:
            lay = None
        else:
            lay = _json_bytes(layout, "layout")
        seconds = _seconds(date) if date is not None else _env_date()
        lib = self._lib
        with self._lock:
            e = self._engine()
            self._set_names(name, layout_name)
            lib.nianbao_engine_set_date(e, seconds if seconds is not None else -1)
            res = ctypes.c_void_p()
            rc = lib.nianbao_render(e, buf, len(buf), lay, len(lay) if lay else 0,
                                    ctypes.byref(res))
            if not res:
                self._setting_failed(rc)
            return self._result(rc, res, True)

    def check(self, data, previous=None, name=None, previous_name=None):
        """Checks one report without rendering it; returns the findings (a dict).
        `previous` is last year's report (bytes, str or dict) for the cross-year rules, for
        this call only (None: the engine's set_previous, if any)."""
        buf = _json_bytes(data, "data")
        prev = None if previous is None else _json_bytes(previous, "previous")
        lib = self._lib
        with self._lock:
            e = self._engine()
            self._set_names(name, self._names[1])
            if prev is not None:
                self._put_previous(prev, previous_name)
            try:
                res = ctypes.c_void_p()
                rc = lib.nianbao_check(e, buf, len(buf), ctypes.byref(res))
            finally:
                if prev is not None:
                    self._put_previous(*self._previous)
            if not res:
                self._setting_failed(rc)
            return self._result(rc, res, False)


# ---- the shared warm engine ---------------------------------------------------------------

_default = None
_default_lock = threading.Lock()


def _default_engine():
    global _default
    with _default_lock:
        if _default is None:
            _default = Engine()
        return _default


def render(data, layout=None, date=None, name=None):
    """Renders one report with the module's warm engine; returns (pdf_bytes, findings).
    See Engine.render."""
    return _default_engine().render(data, layout=layout, date=date, name=name)


def init(edition=None, year=0, body=None, previous=None, previous_name=None):
    """A report to start from, as JSON text, made by the module's engine.  See Engine.init."""
    return _default_engine().init(edition=edition, year=year, body=body, previous=previous,
                                  previous_name=previous_name)


def check(data, previous=None, name=None, previous_name=None):
    """Checks one report with the module's warm engine; returns the findings (a dict).
    See Engine.check."""
    return _default_engine().check(data, previous=previous, name=name,
                                   previous_name=previous_name)
