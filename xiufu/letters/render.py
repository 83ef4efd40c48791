"""Rendering letters: fill a Word template (docxtpl) and lay the result out as a PDF.

Pure Python, no Django. The pipeline is::

    template .docx --check_template--> accepted (a plain .docx with valid Jinja tags)
    template .docx + data --render_docx--> letter .docx      (sandboxed Jinja, autoescape,
                                                               StrictUndefined, QR picture)
    letter .docx --docx_to_pdf--> letter .pdf                 (fpdf2, A4, CJK fonts embedded)

The PDF is laid out here, in Python, from the .docx's own XML (no LibreOffice): paragraphs with
their alignment, indents, spacing and line spacing, runs with size, bold, underline and colour,
tables on their grid, inline pictures, page breaks and the section's margins. The fonts are Noto
Serif CJK SC and Noto Sans CJK SC (SIL Open Font License 1.1) from the ``mplfonts`` wheel, a
locked dependency: ``uv sync`` provides them. Only the glyphs a letter uses are embedded, taken
from TrueType cuts of them limited to GB2312 and common symbols (``XiufuSerif``/``XiufuSans``,
:mod:`xiufu.letters.fonts`, built once and cached on disk) because subsetting those is several
times quicker; a letter with a character outside them is drawn with the full fonts.

``template_fields`` / ``unknown_fields`` read the variables a template uses from its Jinja syntax
tree, as dotted paths (``letter.number``, ``items[].subject``), to check a template against the
fields a letter kind provides before a compliance admin may activate it.

The same input always gives the same bytes (DOCX and PDF), so files can be compared by hash.
"""

from __future__ import annotations

import copy
import io
import logging
import math
import re
import threading
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeAlias

import jinja2
import qrcode
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TextMode
from fpdf.fonts import SubsetMap, TTFFont
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from lxml import etree

from xiufu.letters import fonts

# fontTools logs a dozen INFO lines per font subset, i.e. per letter.
if logging.getLogger("fontTools").level == logging.NOTSET:
    logging.getLogger("fontTools").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)

__all__ = [
    "MAX_TEMPLATE_BYTES",
    "FieldSchema",
    "MissingFields",
    "TemplateRefused",
    "check_template",
    "chinese_date",
    "docx_to_pdf",
    "font_path",
    "pdf_page_png",
    "pdf_text",
    "qr_png",
    "render_docx",
    "template_fields",
    "unknown_fields",
]

#: Largest template accepted (the upload form says the same).
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
#: Largest total size of a template's unpacked parts (a zip bomb is refused, not unpacked).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: Width of a picture passed in ``images`` (the QR code).
IMAGE_WIDTH_MM = 25

#: A schema of the fields a letter kind provides: a mapping is a group (``letter.number``), a
#: one-element list ``[{...}]`` a list of such groups (``items[].subject``), anything else a leaf.
FieldSchema: TypeAlias = Mapping[str, Any]


class MissingFields(ValueError):
    """The data lacks fields the template uses; ``fields`` lists every one found (dotted)."""

    def __init__(self, fields: Sequence[str]) -> None:
        self.fields = list(fields)
        super().__init__("missing fields: " + ", ".join(self.fields))


class TemplateRefused(ValueError):
    """A template file that cannot be used. ``code`` is one of ``oversize``, ``not_docx``,
    ``macro_enabled``, ``jinja_syntax``, ``jinja_unsupported``, ``unsafe``."""

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        self.code = code
        self.message = message
        self.details = dict(details or {})
        super().__init__(message)


# --------------------------------------------------------------------------------------------
# Templates: checking, fields
# --------------------------------------------------------------------------------------------


def _environment(undefined: type[jinja2.Undefined] = jinja2.StrictUndefined) -> Any:
    """The Jinja environment templates run in: sandboxed (a template is user content), with
    autoescape (the output is XML) and, by default, StrictUndefined."""
    return ImmutableSandboxedEnvironment(undefined=undefined, autoescape=True)


def _template_sources(template: bytes) -> list[str]:
    """The Jinja sources docxtpl renders: the body, headers, footers and footnotes (XML patched
    the way docxtpl patches it) and the core properties."""
    tpl = DocxTemplate(io.BytesIO(template))
    document = tpl.get_docx()
    sources = [tpl.patch_xml(tpl.get_xml())]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _key, part in tpl.get_headers_footers(uri):
            sources.append(tpl.patch_xml(tpl.get_part_xml(part)))
    for part in document.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            blob = part.blob
            sources.append(tpl.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob))
    props = document.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(props, name)
        if value:
            sources.append(value)
    return sources


def _one_paragraph_a_line(source: str) -> str:
    """The source as docxtpl hands it to Jinja: each paragraph on a line of its own."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", source)


def _excerpt(source: str, lineno: int | None) -> str:
    """The paragraph text at a line of the source, tags stripped (what the author typed)."""
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    return re.sub(r"<[^>]+>", "", lines[lineno - 1]).strip()[:200]


def check_template(template: bytes) -> None:
    """Refuse a file that is not a usable letter template (raises :class:`TemplateRefused`)."""
    if len(template) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(
            "oversize",
            f"The template is larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MiB.",
            {"size": len(template), "limit": MAX_TEMPLATE_BYTES},
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(template))
        infos = archive.infolist()
        content_types = (
            archive.read("[Content_Types].xml") if _has(infos, "[Content_Types].xml") else b""
        )
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, RuntimeError):
        raise TemplateRefused("not_docx", "The file is not a Word .docx document.") from None
    names = {info.filename for info in infos}
    if any(name.lower().endswith("vbaproject.bin") for name in names) or (
        b"macroenabled" in content_types.lower()
    ):
        raise TemplateRefused(
            "macro_enabled", "The file contains macros (.docm): save it as a plain .docx."
        )
    if "word/document.xml" not in names:
        raise TemplateRefused("not_docx", "The file is not a Word .docx document.")
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise TemplateRefused(
            "oversize",
            f"The template unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB.",
            {"limit": MAX_UNPACKED_BYTES},
        )
    try:
        sources = _template_sources(template)
    except Exception as exc:  # any parse failure of the package means "not a .docx"
        raise TemplateRefused(
            "not_docx", "The file is not a readable Word .docx document.", {"error": str(exc)}
        ) from None
    env = _environment()
    for source in map(_one_paragraph_a_line, sources):
        try:
            env.from_string(source)
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateRefused(
                "jinja_syntax",
                f"Template syntax error: {exc.message}",
                {"error": exc.message, "near": _excerpt(source, exc.lineno)},
            ) from None
        for kind in (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport):
            for _node in tree.find_all(kind):
                raise TemplateRefused(
                    "jinja_unsupported",
                    "Templates cannot include, import or extend other templates.",
                    {"tag": kind.__name__.lower()},
                )


def _has(infos: Iterable[zipfile.ZipInfo], name: str) -> bool:
    return any(info.filename == name for info in infos)


#: Names that are Jinja's own, never data.
_JINJA_NAMES = frozenset(
    {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace", "caller", "varargs"}
    | {"kwargs", "self", "super"}
)
#: Filters whose result is (a part of) the same list: a loop over it loops over the list.
_LIST_FILTERS = frozenset(
    {"sort", "reverse", "list", "unique", "select", "reject", "selectattr", "rejectattr", "batch"}
)
#: Filters with an ``attribute`` argument that reads that attribute of every element.
_ATTRIBUTE_FILTERS = frozenset(
    {"sum", "sort", "unique", "min", "max", "groupby", "map", "selectattr", "rejectattr"}
)


class _FieldCollector:
    """Walks a Jinja syntax tree collecting the data paths it reads."""

    def __init__(self) -> None:
        self.paths: set[str] = set()

    def path_of(self, node: nodes.Node, scope: Mapping[str, str | None]) -> str | None:
        """The data path of an access chain (``a.b[0].c``), None if it is not one."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            return None if node.name in _JINJA_NAMES else node.name
        if isinstance(node, nodes.Getattr):
            base = self.path_of(node.node, scope)
            return None if base is None else f"{base}.{node.attr}"
        if isinstance(node, nodes.Getitem):
            base = self.path_of(node.node, scope)
            if base is None:
                return None
            arg = node.arg
            if isinstance(arg, nodes.Slice):
                return base
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                return f"{base}.{arg.value}"
            return f"{base}[]"
        if isinstance(node, nodes.Filter) and node.name in _LIST_FILTERS and node.node is not None:
            return self.path_of(node.node, scope)
        return None

    def visit(self, node: nodes.Node, scope: dict[str, str | None]) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            path = self.path_of(node, scope)
            if path is not None:
                self.paths.add(path)
            self._visit_chain_arguments(node, scope)
        elif isinstance(node, nodes.Call):
            callee = node.node
            # a method call on a value (``x.y.upper()``) reads ``x.y``, not ``x.y.upper``
            self.visit(callee.node if isinstance(callee, nodes.Getattr) else callee, scope)
            for child in node.iter_child_nodes(exclude=("node",)):
                self.visit(child, scope)
        elif isinstance(node, nodes.Filter):
            self._visit_filter(node, scope)
        elif isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            base = self.path_of(node.iter, scope)
            inner = dict(scope)
            self._bind(node.target, inner, None if base is None else f"{base}[]")
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
        elif isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            self._bind(node.target, scope, self.path_of(node.node, scope))
        elif isinstance(node, nodes.AssignBlock):
            for child in node.body:
                self.visit(child, scope)
            self._bind(node.target, scope, None)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in node.args:
                self._bind(arg, inner, None)
            for default in node.defaults:
                self.visit(default, scope)
            if isinstance(node, nodes.CallBlock):
                self.visit(node.call, scope)
            for child in node.body:
                self.visit(child, inner)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values, strict=False):
                self.visit(value, scope)
                self._bind(target, inner, self.path_of(value, scope))
            for child in node.body:
                self.visit(child, inner)
        else:
            for child in node.iter_child_nodes():
                self.visit(child, scope)

    def _visit_chain_arguments(self, node: nodes.Node, scope: dict[str, str | None]) -> None:
        while isinstance(node, (nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Getitem):
                self.visit(node.arg, scope)
            node = node.node
        if not isinstance(node, nodes.Name):
            self.visit(node, scope)

    def _visit_filter(self, node: nodes.Filter, scope: dict[str, str | None]) -> None:
        for child in node.iter_child_nodes():
            self.visit(child, scope)
        if node.name not in _ATTRIBUTE_FILTERS or node.node is None:
            return
        base = self.path_of(node.node, scope)
        attribute = next(
            (
                kw.value.value
                for kw in node.kwargs
                if kw.key == "attribute" and isinstance(kw.value, nodes.Const)
            ),
            None,
        )
        if attribute is None and node.name in ("selectattr", "rejectattr", "groupby") and node.args:
            first = node.args[0]
            attribute = first.value if isinstance(first, nodes.Const) else None
        if base is not None and isinstance(attribute, str) and attribute:
            self.paths.add(f"{base}[].{attribute}")

    @staticmethod
    def _bind(target: nodes.Node, scope: dict[str, str | None], path: str | None) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = path
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                if isinstance(item, nodes.Name):
                    scope[item.name] = None


def _fields_of_sources(sources: Iterable[str]) -> set[str]:
    env = _environment()
    collector = _FieldCollector()
    for source in sources:
        try:
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateRefused(
                "jinja_syntax", f"Template syntax error: {exc.message}", {"error": exc.message}
            ) from None
        collector.visit(tree, {})
    return collector.paths


def template_fields(template: bytes) -> set[str]:
    """Every data path the template reads: ``letter.number``, ``items``, ``items[].subject``."""
    return _fields_of_sources(_template_sources(template))


def _split_path(path: str) -> list[str]:
    return re.findall(r"\[\]|[^.\[\]]+", path)


def _schema_has(schema: FieldSchema, path: str) -> bool:
    node: Any = schema
    for part in _split_path(path):
        if part == "[]":
            if isinstance(node, (list, tuple)) and len(node) == 1:
                node = node[0]
                continue
            return False
        if isinstance(node, Mapping) and part in node:
            node = node[part]
            continue
        return False  # an attribute of a leaf, or a name the group lacks
    return True


def unknown_fields(template: bytes, schema: FieldSchema) -> list[str]:
    """The paths the template reads that the schema does not provide, sorted."""
    return sorted(path for path in template_fields(template) if not _schema_has(schema, path))


# --------------------------------------------------------------------------------------------
# Rendering the .docx
# --------------------------------------------------------------------------------------------


#: Attributes Jinja's sandbox and filters probe on any value: not data.
_PROBED = frozenset({"unsafe_callable", "alters_data"})


class _RecordingUndefined(jinja2.Undefined):
    """Lenient Undefined that records, by dotted name, every use that StrictUndefined would
    refuse (printing, iterating, testing, calling, arithmetic), so that all the missing fields
    are found in one pass instead of the first one only."""

    __slots__ = ()
    sink: ClassVar[list[str]] = []

    def _name(self) -> str:
        return self._undefined_name or "?"

    def _record(self, name: str | None = None) -> None:
        type(self).sink.append(name or self._name())

    def _recorded(self, *args: Any, **kwargs: Any) -> Any:
        self._record()
        return self

    def __str__(self) -> str:
        self._record()
        return ""

    def __html__(self) -> str:
        self._record()
        return ""

    def __iter__(self) -> Iterator[Any]:
        self._record()
        return iter(())

    def __bool__(self) -> bool:
        self._record()
        return False

    def __len__(self) -> int:
        self._record()
        return 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # ``x.y.upper()``: the missing field is ``x.y``, not its method
        parent = self._name().rpartition(".")[0] or self._name()
        self._record(parent)
        return type(self)(name=parent)

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _recorded
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = _recorded
    __mod__ = __rmod__ = __pow__ = __rpow__ = __pos__ = __neg__ = _recorded
    __lt__ = __le__ = __gt__ = __ge__ = _recorded

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" or name in _PROBED or name.startswith("jinja_"):
            raise AttributeError(name)
        return type(self)(name=f"{self._name()}.{name}")

    def __getitem__(self, key: Any) -> Any:
        suffix = f".{key}" if isinstance(key, str) else "[]"
        return type(self)(name=f"{self._name()}{suffix}")


_MISSING = object()


def _lookup(value: Any, name: str) -> Any:
    """Jinja's ``value.name``: an attribute, else an item."""
    if isinstance(value, Mapping):
        return value.get(name, _MISSING)
    if not name.startswith("_"):
        attribute = getattr(value, name, _MISSING)
        if attribute is not _MISSING:
            return attribute
    try:
        return value[name]
    except (TypeError, LookupError, AttributeError):
        return _MISSING


def _resolvable(value: Any, tokens: Sequence[str]) -> bool:
    if not tokens:
        return True
    head, rest = tokens[0], tokens[1:]
    if head == "[]":
        if isinstance(value, (list, tuple)):
            return all(_resolvable(item, rest) for item in value)
        return not isinstance(value, (str, bytes)) or not rest
    child = _lookup(value, head)
    return child is not _MISSING and _resolvable(child, rest)


def _context_with_images(
    tpl: DocxTemplate, context: Mapping[str, Any], images: Mapping[str, bytes]
) -> dict[str, Any]:
    full = dict(context)
    for key, png in images.items():
        full[key] = InlineImage(tpl, io.BytesIO(png), width=Mm(IMAGE_WIDTH_MM))
    return full


def _missing_fields(
    template: bytes, context: Mapping[str, Any], images: Mapping[str, bytes]
) -> list[str]:
    """All the fields the data lacks: a recording render says which uses failed, the template's
    syntax tree gives each its full dotted path."""
    sink: list[str] = []
    recorder = type("_Recorder", (_RecordingUndefined,), {"__slots__": (), "sink": sink})
    tpl = DocxTemplate(io.BytesIO(template))
    full = _context_with_images(tpl, context, images)
    try:
        tpl.render(full, jinja_env=_environment(recorder), autoescape=True)
    except jinja2.UndefinedError as exc:  # a use the recorder does not survive: name it
        found = re.search(r"has no attribute '([^']+)'|^'([^']+)' is undefined", str(exc))
        sink.append(next(filter(None, found.groups())) if found else "?")
    unresolved = sorted(
        path for path in template_fields(template) if not _resolvable(full, _split_path(path))
    )
    names: list[str] = []
    for recorded in dict.fromkeys(sink):
        if recorded == "?":
            continue
        hits = [p for p in unresolved if p == recorded or p.endswith("." + recorded)]
        names.extend(hits or [recorded])
    return sorted(dict.fromkeys(names or unresolved or ["?"]))


def _deterministic_zip(data: bytes) -> bytes:
    """The same package with fixed timestamps, so that the same letter gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_docx(
    template: bytes, context: Mapping[str, Any], *, images: Mapping[str, bytes] | None = None
) -> bytes:
    """Fill a docxtpl template. ``images`` maps context keys to PNG bytes, placed as inline
    pictures 25 mm wide. Raises :class:`MissingFields` listing every field the data lacks."""
    images = images or {}
    tpl = DocxTemplate(io.BytesIO(template))
    try:
        tpl.render(
            _context_with_images(tpl, context, images), jinja_env=_environment(), autoescape=True
        )
    except jinja2.UndefinedError:
        raise MissingFields(_missing_fields(template, context, images)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateRefused(
            "jinja_syntax", f"Template syntax error: {exc.message}", {"error": exc.message}
        ) from None
    except SecurityError as exc:
        raise TemplateRefused("unsafe", f"The template does something not allowed: {exc}") from None
    out = io.BytesIO()
    tpl.save(out)
    return _deterministic_zip(out.getvalue())


# --------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------

_font_templates: dict[Path, TTFFont] = {}
_font_lock = threading.Lock()
#: Families whose working font could not be had in this process (drawn with the full font).
_no_working_font: set[str] = set()


def font_path(family: str = "serif") -> Path:
    """The full Noto CJK SC font file (``serif`` or ``sans``) shipped by the mplfonts wheel. The
    package is located without importing it (importing it imports matplotlib)."""
    return fonts.source_font(family)


def _font_files(chars: Iterable[str]) -> dict[str, Path]:
    """The font file of each family for a document drawing ``chars``: the working TrueType font
    (:mod:`xiufu.letters.fonts`, quick to subset) unless the document has a character it lacks
    and the full font has, then the full font (correct, slower)."""
    points = {ord(char) for char in chars if char >= " "}
    files: dict[str, Path] = {}
    for family in fonts.FAMILY_NAMES:
        files[family] = font_path(family)
        if family in _no_working_font:
            continue
        try:
            working, covered = fonts.working_font(family), fonts.covered(family)
        except Exception:  # e.g. an unwritable cache: the full font still draws the letter
            logger.warning("no working font for %s: using the full font", family, exc_info=True)
            _no_working_font.add(family)
            continue
        missing = points - covered
        if not missing or not missing & _font_template(files[family]).cw.keys():
            files[family] = working  # (what neither font has is missing either way)
    return files


def _font_template(path: Path) -> TTFFont:
    """A font's metrics, parsed once per process (about 0.3 s for the 23 MB file)."""
    with _font_lock:
        template = _font_templates.get(path)
        if template is None:
            template = TTFFont(FPDF(), path, path.stem, "")
            template.ttfont.close()
            _font_templates[path] = template
        return template


def _register_font(pdf: FPDF, family: str) -> None:
    """Make ``family`` usable in ``pdf``. The parsed metrics are shared; each document gets its
    own font file handle and subset (fpdf2 subsets the font object in place on output)."""
    if family in pdf.fonts:
        return
    files: Mapping[str, Path] = getattr(pdf, "font_files", {})
    template = _font_template(files.get(family) or font_path(family))
    try:
        font = copy.copy(template)
        font.i = len(pdf.fonts) + 1
        # recalcBBoxes=False: the subset keeps the whole font's bounding box (valid, and
        # recomputing it from every glyph's outline took 40 % of the time of a letter)
        font.ttfont = ttLib.TTFont(
            template.ttffile, recalcTimestamp=False, recalcBBoxes=False, lazy=True
        )
        font.subset = SubsetMap(font)
        font.cw = template.cw.copy()
        font.desc = copy.copy(template.desc)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None
    except AttributeError:  # pragma: no cover - fpdf2 internals changed: the slow, public way
        pdf.add_font(family, fname=str(template.ttffile))
        return
    pdf.fonts[family] = font
    if template.is_cff:
        pdf._set_min_pdf_version("1.6")  # CID-keyed CFF font


def _release_fonts(pdf: FPDF) -> None:
    """fpdf2 memoizes glyph lookups with functools.cache on the subset objects, which keeps every
    document's font alive: drop those entries and close the files."""
    SubsetMap.pick.cache_clear()
    SubsetMap.get_glyph.cache_clear()
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


# --------------------------------------------------------------------------------------------
# Reading the .docx
# --------------------------------------------------------------------------------------------

MM_PER_PT = 25.4 / 72
#: Word's "single" line height for Chinese fonts, in ems.
SINGLE_LINE = 1.3
#: Ascender of Noto CJK, in ems (the em box is 0.88 above and 0.12 below the baseline).
ASCENT = 0.88
#: Margins when the document has none (GB/T 9704 公文: top, right, bottom, left in mm).
DEFAULT_MARGINS = (37.0, 26.0, 35.0, 28.0)
A4 = (210.0, 297.0)
DEFAULT_SIZE_PT = 10.5  # 五号

_EMU_PER_MM = 36000


def _twips(value: str | None) -> float:
    """A twips attribute in mm (0 if absent or malformed)."""
    try:
        return float(value or 0) * 25.4 / 1440
    except ValueError:
        return 0.0


def _number(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _on(element: Any) -> bool:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``)."""
    value = element.get(qn("w:val"))
    return value is None or value.lower() not in ("0", "false", "off", "none")


def _attributes(element: Any) -> dict[str, str]:
    return {etree.QName(key).localname: value for key, value in element.attrib.items()}


def _merge_exclusive(target: dict[str, str], update: dict[str, str], groups: Sequence[set[str]]):
    """Merge attributes where a nearer level's value of a group replaces all of the group."""
    for group in groups:
        if group & update.keys():
            for key in group:
                target.pop(key, None)
    target.update(update)


_IND_GROUPS = (
    {"firstLine", "firstLineChars", "hanging", "hangingChars"},
    {"left", "leftChars", "start", "startChars"},
    {"right", "rightChars", "end", "endChars"},
)
_SPACING_GROUPS = ({"before", "beforeLines"}, {"after", "afterLines"}, {"line", "lineRule"})


def _merge_ppr(acc: dict[str, Any], ppr: Any) -> None:
    if ppr is None:
        return
    jc = ppr.find(qn("w:jc"))
    if jc is not None:
        acc["jc"] = jc.get(qn("w:val"))
    ind = ppr.find(qn("w:ind"))
    if ind is not None:
        _merge_exclusive(acc.setdefault("ind", {}), _attributes(ind), _IND_GROUPS)
    spacing = ppr.find(qn("w:spacing"))
    if spacing is not None:
        _merge_exclusive(acc.setdefault("spacing", {}), _attributes(spacing), _SPACING_GROUPS)
    for name in ("pageBreakBefore", "snapToGrid"):
        element = ppr.find(qn(f"w:{name}"))
        if element is not None:
            acc[name] = _on(element)


def _merge_rpr(acc: dict[str, Any], rpr: Any) -> None:
    if rpr is None:
        return
    sz = rpr.find(qn("w:sz"))
    if sz is not None:
        acc["size"] = _number(sz.get(qn("w:val")), DEFAULT_SIZE_PT * 2) / 2
    for name in ("b", "vanish"):
        element = rpr.find(qn(f"w:{name}"))
        if element is not None:
            acc[name] = _on(element)
    u = rpr.find(qn("w:u"))
    if u is not None:
        acc["u"] = (u.get(qn("w:val")) or "single") != "none"
    color = rpr.find(qn("w:color"))
    if color is not None:
        acc["color"] = color.get(qn("w:val"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        names = {
            key: value
            for key, value in _attributes(fonts).items()
            if key in ("eastAsia", "ascii", "hAnsi")
        }
        acc.setdefault("fonts", {}).update(names)


class _Styles:
    """Word's style inheritance: document defaults < table style < paragraph style (and its
    ``basedOn`` chain) < character style < direct formatting."""

    def __init__(self, styles: Any) -> None:
        self._by_id: dict[str, Any] = {}
        self.default_paragraph: str | None = None
        self.default_ppr = self.default_rpr = None
        if styles is None:
            return
        for style in styles.iterfind(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            self._by_id[style_id] = style
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in (
                "1",
                "true",
                "on",
            ):
                self.default_paragraph = style_id
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is not None:
            self.default_ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
            self.default_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")

    def chain(self, style_id: str | None) -> list[Any]:
        """The style and its ancestors, root first."""
        chain: list[Any] = []
        while style_id and style_id in self._by_id and len(chain) < 20:
            style = self._by_id[style_id]
            if any(s is style for s in chain):
                break
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return chain[::-1]

    def table_element(self, style_id: str | None, tag: str) -> Any:
        """The nearest ``tag`` (e.g. ``w:tblBorders``) in a table style's chain."""
        for style in reversed(self.chain(style_id)):
            found = style.find(f"{qn('w:tblPr')}/{qn(tag)}")
            if found is not None:
                return found
        return None

    def paragraph(self, ppr: Any, table_style: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Paragraph properties and the paragraph's run properties (the paragraph mark's)."""
        para: dict[str, Any] = {}
        run: dict[str, Any] = {}
        _merge_ppr(para, self.default_ppr)
        _merge_rpr(run, self.default_rpr)
        for style in self.chain(table_style):
            _merge_ppr(para, style.find(qn("w:pPr")))
            _merge_rpr(run, style.find(qn("w:rPr")))
        style_id = self.default_paragraph
        if ppr is not None:
            pstyle = ppr.find(qn("w:pStyle"))
            if pstyle is not None:
                style_id = pstyle.get(qn("w:val"))
        for style in self.chain(style_id):
            _merge_ppr(para, style.find(qn("w:pPr")))
            _merge_rpr(run, style.find(qn("w:rPr")))
        _merge_ppr(para, ppr)
        mark = dict(run)
        if ppr is not None:
            _merge_rpr(mark, ppr.find(qn("w:rPr")))
        para["mark"] = mark
        return para, run

    def run(self, base: dict[str, Any], rpr: Any) -> dict[str, Any]:
        props = dict(base)
        props["fonts"] = dict(base.get("fonts", {}))
        if rpr is not None:
            rstyle = rpr.find(qn("w:rStyle"))
            if rstyle is not None:
                for style in self.chain(rstyle.get(qn("w:val"))):
                    _merge_rpr(props, style.find(qn("w:rPr")))
        _merge_rpr(props, rpr)
        return props


#: A run whose font name contains one of these is drawn in Noto Sans CJK (黑体-like faces).
_SANS_HINTS = (
    *("黑", "hei", "sans", "gothic", "arial", "helvetica", "等线", "dengxian", "雅黑"),
    *("yahei", "calibri", "verdana", "tahoma", "segoe", "roboto"),
)


def _family(font_name: str | None) -> str:
    name = (font_name or "").lower()
    return "sans" if any(hint in name for hint in _SANS_HINTS) else "serif"


@dataclass(frozen=True)
class _Style:
    """What a piece of text is drawn with."""

    family: str
    size: float  # pt
    bold: bool = False
    underline: bool = False
    color: tuple[int, int, int] = (0, 0, 0)


def _run_styles(props: Mapping[str, Any]) -> tuple[_Style, _Style]:
    """The styles of a run's CJK text (East Asian font) and of its other text (ASCII font)."""
    fonts = props.get("fonts", {})
    color = (0, 0, 0)
    value = props.get("color")
    if value and re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        color = (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    size = float(props.get("size", DEFAULT_SIZE_PT))
    bold = bool(props.get("b", False))
    underline = bool(props.get("u", False))
    east = _Style(_family(fonts.get("eastAsia")), size, bold, underline, color)
    latin = _Style(_family(fonts.get("ascii") or fonts.get("hAnsi")), size, bold, underline, color)
    return east, latin


@dataclass
class _Atom:
    """An unbreakable piece of a line: a CJK character, a Latin word, a space, a tab, a picture,
    or a break (``kind``: text, space, tab, image, line, page)."""

    kind: str
    text: str = ""
    style: _Style | None = None
    width: float = 0.0  # mm
    height: float = 0.0  # mm, pictures
    image: bytes | None = None
    glued: bool = False  # no line break allowed before it (a word split across runs)


@dataclass
class _Para:
    atoms: list[_Atom]
    align: str = "left"  # left, center, right, justify, distribute
    left: float = 0.0  # mm
    right: float = 0.0
    first: float = 0.0  # first-line indent (negative: hanging)
    before: float = 0.0
    after: float = 0.0
    line_rule: str = "auto"  # auto (a multiple), exact, atLeast (mm)
    line_value: float = 1.0
    page_break_before: bool = False
    mark_size: float = DEFAULT_SIZE_PT
    grid: float | None = None  # line pitch of the document grid it snaps to (mm)


@dataclass
class _Cell:
    blocks: list[_Para]
    span: int = 1
    vmerge: str | None = None  # restart, continue
    valign: str = "top"
    fill: tuple[int, int, int] | None = None


@dataclass
class _Row:
    cells: list[_Cell]
    height: float = 0.0
    exact: bool = False
    header: bool = False


@dataclass
class _Table:
    grid: list[float]
    rows: list[_Row]
    borders: bool = False
    align: str = "left"
    indent: float = 0.0
    pad_x: float = 1.9
    pad_y: float = 0.0


@dataclass
class _Setup:
    width: float = A4[0]
    height: float = A4[1]
    top: float = DEFAULT_MARGINS[0]
    right: float = DEFAULT_MARGINS[1]
    bottom: float = DEFAULT_MARGINS[2]
    left: float = DEFAULT_MARGINS[3]
    pitch: float = 312 * 25.4 / 1440  # one "line" (段前 1 行) in mm
    grid: bool = False  # lines snap to the document grid


_CLOSING = set("，。、；：？！）」』》〉】〕〗〙〛’”…‥·～%‰℃,.;:?!)]}")
_OPENING = set("（「『《〈【〔〖〘〚‘“([{")
_CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x303F),
    (0x3040, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
_CJK_PUNCTUATION = set("—―‘’“”…·")


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return char in _CJK_PUNCTUATION or any(lo <= code <= hi for lo, hi in _CJK_RANGES)


class _Reader:
    """Turns the document's XML into paragraphs and tables with resolved formatting."""

    def __init__(self, document: Any, pdf: _LetterPDF, setup: _Setup) -> None:
        self.part = document.part
        self.pdf = pdf
        self.setup = setup
        self.styles = _Styles(document.styles.element)
        self.tab_stop = 420 * 25.4 / 1440
        settings = document.settings.element
        tab = settings.find(qn("w:defaultTabStop")) if settings is not None else None
        if tab is not None and _twips(tab.get(qn("w:val"))) > 0:
            self.tab_stop = _twips(tab.get(qn("w:val")))

    def blocks(self, container: Any, table_style: str | None = None) -> list[_Para | _Table]:
        out: list[_Para | _Table] = []
        for child in container:
            if child.tag == qn("w:p"):
                out.append(self.paragraph(child, table_style))
            elif child.tag == qn("w:tbl"):
                out.append(self.table(child))
            elif child.tag in (qn("w:sdt"), qn("w:customXml")):
                content = child.find(qn("w:sdtContent"))
                out.extend(self.blocks(content if content is not None else child, table_style))
        return out

    # paragraphs --------------------------------------------------------------------------

    def paragraph(self, p: Any, table_style: str | None) -> _Para:
        ppr = p.find(qn("w:pPr"))
        props, base = self.styles.paragraph(ppr, table_style)
        size = float(base.get("size", DEFAULT_SIZE_PT)) * MM_PER_PT  # "character" unit
        para = _Para(atoms=[], mark_size=float(props["mark"].get("size", DEFAULT_SIZE_PT)))
        para.align = {
            "center": "center",
            "right": "right",
            "end": "right",
            "both": "justify",
            "distribute": "distribute",
            "thaiDistribute": "justify",
        }.get(props.get("jc") or "left", "left")
        ind = props.get("ind", {})

        def indent(name: str, *aliases: str) -> float:
            for key in (name, *aliases):
                if f"{key}Chars" in ind:
                    return _number(ind[f"{key}Chars"]) / 100 * size
                if key in ind:
                    return _twips(ind[key])
            return 0.0

        para.left = indent("left", "start")
        para.right = indent("right", "end")
        para.first = indent("firstLine") - indent("hanging")
        spacing = props.get("spacing", {})
        for name in ("before", "after"):
            if f"{name}Lines" in spacing:
                value = _number(spacing[f"{name}Lines"]) / 100 * self.setup.pitch
            else:
                value = _twips(spacing.get(name))
            setattr(para, name, value)
        rule = spacing.get("lineRule", "auto")
        if "line" in spacing:
            if rule in ("exact", "atLeast"):
                para.line_rule, para.line_value = rule, _twips(spacing["line"])
            else:
                para.line_value = _number(spacing["line"], 240) / 240 or 1.0
        para.page_break_before = bool(props.get("pageBreakBefore", False))
        if self.setup.grid and props.get("snapToGrid", True):
            para.grid = self.setup.pitch
        for run in self._runs(p):
            self._run(run, base, para.atoms)
        return para

    def _runs(self, element: Any) -> Iterator[Any]:
        for child in element:
            if child.tag == qn("w:r"):
                yield child
            elif child.tag in (
                qn("w:hyperlink"),
                qn("w:ins"),
                qn("w:smartTag"),
                qn("w:fldSimple"),
                qn("w:customXml"),
                qn("w:sdtContent"),
                qn("w:sdt"),
            ):
                yield from self._runs(child)

    def _run(self, run: Any, base: dict[str, Any], atoms: list[_Atom]) -> None:
        props = self.styles.run(base, run.find(qn("w:rPr")))
        if props.get("vanish"):
            return
        east, latin = _run_styles(props)
        for child in run:
            tag = child.tag
            if tag == qn("w:t"):
                self._text(child.text or "", east, latin, atoms)
            elif tag == qn("w:tab"):
                atoms.append(_Atom("tab", style=latin))
            elif tag == qn("w:br"):
                page = child.get(qn("w:type")) == "page"
                atoms.append(_Atom("page" if page else "line"))
            elif tag == qn("w:cr"):
                atoms.append(_Atom("line"))
            elif tag == qn("w:noBreakHyphen"):
                self._text("-", east, latin, atoms)
            elif tag == qn("w:drawing"):
                atom = self._picture(child)
                if atom is not None:
                    atoms.append(atom)

    def _text(self, text: str, east: _Style, latin: _Style, atoms: list[_Atom]) -> None:
        word = ""
        glue = bool(atoms) and atoms[-1].kind == "text" and not _is_cjk(atoms[-1].text[-1])

        def flush() -> None:
            nonlocal word, glue
            if word:
                atoms.append(self._atom(word, latin, glued=glue))
            word, glue = "", False

        for char in text:
            if char in " \t\n":
                flush()
                atoms.append(self._atom(" ", latin, kind="space"))
            elif _is_cjk(char):
                flush()
                atoms.append(self._atom(char, east))
            else:
                word += char
        flush()

    def _atom(self, text: str, style: _Style, *, kind: str = "text", glued: bool = False) -> _Atom:
        return _Atom(kind, text, style, self.width(text, style), glued=glued)

    def width(self, text: str, style: _Style) -> float:
        _register_font(self.pdf, style.family)
        font = self.pdf.fonts[style.family]
        assert isinstance(font, TTFFont)
        widths = font.cw
        return sum(widths[ord(char)] for char in text) * style.size / 1000 * MM_PER_PT

    def _picture(self, drawing: Any) -> _Atom | None:
        extent = drawing.find(f".//{qn('wp:extent')}")
        blip = drawing.find(f".//{qn('a:blip')}")
        if extent is None or blip is None:
            return None
        rel = blip.get(qn("r:embed"))
        try:
            blob = self.part.related_parts[rel].blob
        except KeyError:
            return None
        width = _number(extent.get("cx")) / _EMU_PER_MM
        height = _number(extent.get("cy")) / _EMU_PER_MM
        if width <= 0 or height <= 0:
            return None
        return _Atom("image", width=width, height=height, image=blob)

    # tables ------------------------------------------------------------------------------

    def table(self, tbl: Any) -> _Table:
        tblpr = tbl.find(qn("w:tblPr"))
        style_id = None
        if tblpr is not None:
            style = tblpr.find(qn("w:tblStyle"))
            style_id = style.get(qn("w:val")) if style is not None else None
        grid = [
            _twips(col.get(qn("w:w")))
            for col in tbl.iterfind(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")
        ]
        table = _Table(grid=grid, rows=[])

        def own(tag: str) -> Any:
            found = tblpr.find(qn(tag)) if tblpr is not None else None
            return found if found is not None else self.styles.table_element(style_id, tag)

        borders = own("w:tblBorders")
        if borders is not None:
            table.borders = any(
                (edge.get(qn("w:val")) or "single") not in ("nil", "none") for edge in borders
            )
        jc = own("w:jc")
        if jc is not None:
            table.align = {"center": "center", "right": "right", "end": "right"}.get(
                jc.get(qn("w:val")) or "", "left"
            )
        ind = own("w:tblInd")
        if ind is not None and ind.get(qn("w:type")) in (None, "dxa"):
            table.indent = _twips(ind.get(qn("w:w")))
        margins = own("w:tblCellMar")
        if margins is not None:
            for edge in margins:
                name = etree.QName(edge).localname
                value = _twips(edge.get(qn("w:w")))
                if name in ("left", "start"):
                    table.pad_x = value
                elif name == "top":
                    table.pad_y = value
        for tr in tbl.iterfind(qn("w:tr")):
            row = _Row(cells=[])
            trpr = tr.find(qn("w:trPr"))
            if trpr is not None:
                height = trpr.find(qn("w:trHeight"))
                if height is not None:
                    row.height = _twips(height.get(qn("w:val")))
                    row.exact = height.get(qn("w:hRule")) == "exact"
                header = trpr.find(qn("w:tblHeader"))
                row.header = header is not None and _on(header)
            for tc in tr.iterfind(qn("w:tc")):
                row.cells.append(self._cell(tc, style_id))
            table.rows.append(row)
        return table

    def _cell(self, tc: Any, table_style: str | None) -> _Cell:
        blocks: list[_Para] = []
        for block in self.blocks(tc, table_style):
            blocks.extend(_flatten(block))
        cell = _Cell(blocks=blocks)
        tcpr = tc.find(qn("w:tcPr"))
        if tcpr is None:
            return cell
        span = tcpr.find(qn("w:gridSpan"))
        if span is not None:
            cell.span = max(1, int(_number(span.get(qn("w:val")), 1)))
        vmerge = tcpr.find(qn("w:vMerge"))
        if vmerge is not None:
            cell.vmerge = vmerge.get(qn("w:val")) or "continue"
        valign = tcpr.find(qn("w:vAlign"))
        if valign is not None:
            cell.valign = valign.get(qn("w:val")) or "top"
        shading = tcpr.find(qn("w:shd"))
        fill = shading.get(qn("w:fill")) if shading is not None else None
        if fill and re.fullmatch(r"[0-9A-Fa-f]{6}", fill) and fill.upper() != "FFFFFF":
            cell.fill = (int(fill[0:2], 16), int(fill[2:4], 16), int(fill[4:6], 16))
        return cell


def _flatten(block: _Para | _Table) -> list[_Para]:
    """A nested table's paragraphs, in reading order (nested grids are not drawn)."""
    if isinstance(block, _Para):
        return [block]
    return [para for row in block.rows for cell in row.cells for para in cell.blocks]


def _page_setup(body: Any) -> _Setup:
    setup = _Setup()
    sect = body.find(qn("w:sectPr"))
    if sect is None:
        return setup
    margins = sect.find(qn("w:pgMar"))
    if margins is not None:
        for name in ("top", "right", "bottom", "left"):
            value = margins.get(qn(f"w:{name}"))
            if value is not None:
                setattr(setup, name, abs(_twips(value)))
    grid = sect.find(qn("w:docGrid"))
    if grid is not None:
        pitch = _twips(grid.get(qn("w:linePitch")))
        if pitch > 0:
            setup.pitch = pitch
        setup.grid = grid.get(qn("w:type")) in ("lines", "linesAndChars", "snapToChars")
    return setup


# --------------------------------------------------------------------------------------------
# Laying out and drawing
# --------------------------------------------------------------------------------------------


class _LetterPDF(FPDF):
    """A4 pages with the page number at the bottom centre: — 1 —."""

    def __init__(self, setup: _Setup, font_files: Mapping[str, Path] | None = None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.setup = setup
        self.font_files = dict(font_files or {})
        self.set_auto_page_break(False)
        self.set_margins(setup.left, setup.top, setup.right)

    def footer(self) -> None:
        _register_font(self, "serif")
        self.set_font("serif", size=12)
        self.set_text_color(0, 0, 0)
        text = f"— {self.page_no()} —"
        width = self.get_string_width(text)
        baseline = min(self.h - self.setup.bottom + 7 + 12 * MM_PER_PT, self.h - 6)
        self.text((self.w - width) / 2, baseline, text)


@dataclass
class _Line:
    items: list[tuple[float, _Atom]] = field(default_factory=list)  # (x from the box's left)
    height: float = 0.0
    ascent: float = 0.0


_PAGE = _Line()  # marker: a page break inside a paragraph


def _line_box(para: _Para, size_pt: float) -> tuple[float, float]:
    """Height and ascent (mm) of a line of text of ``size_pt`` in the paragraph."""
    em = size_pt * MM_PER_PT
    natural = SINGLE_LINE * em
    if para.grid:  # Word snaps a line to whole lines of the document grid
        natural = para.grid * max(1, math.ceil(natural / para.grid - 0.01))
    if para.line_rule in ("exact", "atLeast"):  # a fixed pitch: the text centred in it
        height = para.line_value if para.line_rule == "exact" else max(para.line_value, natural)
        return height, (height - em) / 2 + ASCENT * em
    # a multiple of single spacing: the extra space above the text, as Word does
    height = natural * para.line_value
    below = (SINGLE_LINE * em - em) / 2 + (1 - ASCENT) * em
    return height, height - below


class _Layout:
    def __init__(self, pdf: _LetterPDF, reader: _Reader, setup: _Setup) -> None:
        self.pdf = pdf
        self.reader = reader
        self.setup = setup
        self.y = setup.top
        self.content_width = setup.width - setup.left - setup.right

    # pages ----------------------------------------------------------------------------------

    @property
    def bottom(self) -> float:
        return self.setup.height - self.setup.bottom

    @property
    def at_top(self) -> bool:
        return self.y <= self.setup.top + 0.01

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = self.setup.top

    def flow(self, blocks: Sequence[_Para | _Table]) -> None:
        self.new_page()
        for block in blocks:
            if isinstance(block, _Para):
                self.flow_paragraph(block)
            else:
                self.flow_table(block)

    def flow_paragraph(self, para: _Para) -> None:
        if para.page_break_before and not self.at_top:
            self.new_page()
        if not self.at_top:
            self.y += para.before
        for line in self.lines(para, self.content_width):
            if line is _PAGE:
                self.new_page()
                continue
            if self.y + line.height > self.bottom + 0.01 and not self.at_top:
                self.new_page()
            self.draw_line(line, self.setup.left, self.y)
            self.y += line.height
        self.y += para.after

    # lines ----------------------------------------------------------------------------------

    def lines(self, para: _Para, width: float) -> list[_Line]:
        """Break a paragraph into lines (per character for CJK, per word for Latin; closing
        punctuation never starts a line, opening punctuation never ends one)."""
        lines: list[_Line] = []
        atoms = list(para.atoms)
        current: list[_Atom] = []
        used = 0.0
        first = True

        def available() -> float:
            return width - para.left - para.right - (para.first if first else 0.0)

        def finish(wrapped: bool) -> None:
            nonlocal current, used, first
            lines.append(self._place(para, current, width, first, wrapped))
            current, used, first = [], 0.0, False

        i = 0
        while i < len(atoms):
            atom = atoms[i]
            if atom.kind in ("line", "page"):
                finish(False)
                if atom.kind == "page":
                    lines.append(_PAGE)
                i += 1
                continue
            if atom.kind == "tab":
                position = para.left + (para.first if first else 0.0) + used
                stop = self.reader.tab_stop
                target = (position // stop + 1) * stop  # the next default tab stop
                if position < para.left - 0.01:  # in a hanging indent: the indent is a stop
                    target = para.left
                atom = _Atom("tab", style=atom.style, width=target - position)
            if atom.kind == "image" and atom.width > available():
                scale = available() / atom.width
                atom = _Atom(
                    "image", width=atom.width * scale, height=atom.height * scale, image=atom.image
                )
            if atom.kind == "space" and not current and not first:
                i += 1  # a wrapped line does not start with a space
                continue
            if used + atom.width <= available() + 0.01 or atom.kind == "space":
                current.append(atom)
                used += atom.width
                i += 1
                continue
            if not current:
                style = atom.style
                if atom.kind == "text" and len(atom.text) > 1 and style is not None:
                    # a word longer than the line: break it anywhere
                    atoms[i : i + 1] = [
                        self.reader._atom(char, style, glued=n > 0)
                        for n, char in enumerate(atom.text)
                    ]
                    continue
                current.append(atom)
                used += atom.width
                i += 1
                continue
            # break before atom i; move back while that would break a no-break rule
            k = len(current)
            while k > 0 and len(current) - k < 3:
                after = atom if k == len(current) else current[k]
                before = current[k - 1]
                if not (
                    after.glued
                    or (after.kind == "text" and after.text[0] in _CLOSING)
                    or (before.kind == "text" and before.text[-1] in _OPENING)
                ):
                    break
                k -= 1
            carried = current[k:] if 0 < k < len(current) else []
            room = width - para.left - para.right  # the next line's room
            if carried and sum(a.width for a in carried) + atom.width > room:
                carried = []
            if carried:
                current = current[: len(current) - len(carried)]
            finish(True)
            current = carried
            used = sum(a.width for a in carried)
        if current or not lines or lines[-1] is _PAGE or atoms[-1].kind == "line":
            finish(False)
        return lines

    def _place(
        self, para: _Para, atoms: list[_Atom], width: float, first: bool, wrapped: bool
    ) -> _Line:
        while atoms and atoms[-1].kind == "space":
            atoms = atoms[:-1]
        start = para.left + (para.first if first else 0.0)
        room = width - start - para.right
        natural = sum(a.width for a in atoms)
        justify = para.align == "distribute" or (para.align == "justify" and wrapped)
        extra = 0.0
        if para.align == "center":
            start += (room - natural) / 2
        elif para.align == "right":
            start += room - natural
        elif justify and len(atoms) > 1 and natural < room:
            extra = (room - natural) / (len(atoms) - 1)
        line = _Line()
        x = start
        for atom in atoms:
            line.items.append((x, atom))
            x += atom.width + extra
        above, below = 0.0, 0.0
        sizes = [a.style.size for a in atoms if a.kind != "image" and a.style is not None]
        for size in sizes or [para.mark_size]:
            height, ascent = _line_box(para, size)
            above, below = max(above, ascent), max(below, height - ascent)
        for atom in atoms:
            if atom.kind == "image":
                above = max(above, atom.height + 0.5)
        line.ascent = above
        line.height = above + below
        return line

    # drawing --------------------------------------------------------------------------------

    def draw_line(self, line: _Line, x: float, y: float) -> None:
        baseline = y + line.ascent
        items = line.items
        i = 0
        while i < len(items):
            offset, atom = items[i]
            if atom.kind == "image":
                self._image(atom, x + offset, baseline - atom.height)
                i += 1
                continue
            if atom.kind != "text" or atom.style is None:
                i += 1
                continue
            text, end, j = atom.text, offset + atom.width, i + 1
            while j < len(items):
                nxt_offset, nxt = items[j]
                if nxt.kind not in ("text", "space") or nxt.style != atom.style:
                    break
                if abs(nxt_offset - end) > 0.001:
                    break
                text += nxt.text
                end = nxt_offset + nxt.width
                j += 1
            self._text(x + offset, baseline, text.rstrip(" "), atom.style, end - offset)
            i = j

    def _text(self, x: float, baseline: float, text: str, style: _Style, width: float) -> None:
        pdf = self.pdf
        _register_font(pdf, style.family)
        pdf.set_font(style.family, size=style.size)
        pdf.set_text_color(*style.color)
        if style.bold:
            stroke = style.size * 0.035 * MM_PER_PT
            with pdf.local_context(
                text_mode=TextMode.FILL_STROKE, line_width=stroke, draw_color=style.color
            ):
                pdf.text(x, baseline, text)
        else:
            pdf.text(x, baseline, text)
        if style.underline:
            pdf.set_draw_color(*style.color)
            pdf.set_line_width(style.size * 0.05 * MM_PER_PT)
            under = baseline + style.size * 0.1 * MM_PER_PT
            pdf.line(x, under, x + width, under)

    def _image(self, atom: _Atom, x: float, y: float) -> None:
        try:
            self.pdf.image(io.BytesIO(atom.image or b""), x=x, y=y, w=atom.width, h=atom.height)
        except Exception:  # a format fpdf2 cannot read (EMF, WMF): leave the space empty
            return

    # tables ---------------------------------------------------------------------------------

    def flow_table(self, table: _Table) -> None:
        if not table.rows:
            return
        columns = max(sum(c.span for c in row.cells) for row in table.rows)
        if columns == 0:
            return
        grid = list(table.grid[:columns])
        if len(grid) < columns or sum(grid) <= 0:
            grid = [self.content_width / columns] * columns
        total = sum(grid)
        room = self.content_width - table.indent
        if total > room:
            grid = [w * room / total for w in grid]
            total = room
        x0 = self.setup.left + table.indent
        if table.align == "center":
            x0 = self.setup.left + (self.content_width - total) / 2
        elif table.align == "right":
            x0 = self.setup.left + self.content_width - total
        edges = [x0]
        for w in grid:
            edges.append(edges[-1] + w)
        header = [row for row in table.rows if row.header]
        header = header if header == table.rows[: len(header)] else []
        for index, row in enumerate(table.rows):
            measured = self._measure_row(table, row, edges)
            height = measured[0]
            if self.y + height > self.bottom + 0.01 and not self.at_top:
                self.new_page()
                if index >= len(header):
                    for number, repeated in enumerate(header):
                        self._draw_row(table, number, self._measure_row(table, repeated, edges))
            self._draw_row(table, index, measured)

    def _measure_row(
        self, table: _Table, row: _Row, edges: list[float]
    ) -> tuple[float, list[tuple[_Cell, float, float, list[tuple[float, _Line]], float]]]:
        cells = []
        column = 0
        content = 0.0
        for cell in row.cells:
            left = edges[min(column, len(edges) - 1)]
            right = edges[min(column + cell.span, len(edges) - 1)]
            column += cell.span
            inner = max(right - left - 2 * table.pad_x, 1.0)
            placed: list[tuple[float, _Line]] = []
            y = 0.0
            if cell.vmerge != "continue":
                for n, para in enumerate(cell.blocks):
                    if n:
                        y += para.before
                    for line in self.lines(para, inner):
                        if line is not _PAGE:
                            placed.append((y, line))
                            y += line.height
                    if n < len(cell.blocks) - 1:
                        y += para.after
            content = max(content, y)
            cells.append((cell, left, right, placed, y))
        height = content + 2 * table.pad_y
        if row.exact and row.height:
            height = row.height
        elif row.height:
            height = max(height, row.height)
        return height, cells

    def _draw_row(
        self,
        table: _Table,
        index: int,
        measured: tuple[float, list[tuple[_Cell, float, float, list[tuple[float, _Line]], float]]],
    ) -> None:
        height, cells = measured
        pdf = self.pdf
        top = self.y
        following = table.rows[index + 1] if index + 1 < len(table.rows) else None
        for cell, left, right, placed, content in cells:
            if cell.fill:
                pdf.set_fill_color(*cell.fill)
                pdf.rect(left, top, right - left, height, style="F")
            shift = table.pad_y
            if cell.valign == "center":
                shift = (height - content) / 2
            elif cell.valign == "bottom":
                shift = height - content - table.pad_y
            for y, line in placed:
                self.draw_line(line, left + table.pad_x, top + shift + y)
            if table.borders:
                pdf.set_draw_color(0, 0, 0)
                pdf.set_line_width(0.5 * MM_PER_PT)
                continues = following is not None and _continued_below(cells, cell, following)
                pdf.line(left, top, left, top + height)
                pdf.line(right, top, right, top + height)
                if cell.vmerge != "continue":
                    pdf.line(left, top, right, top)
                if not continues:
                    pdf.line(left, top + height, right, top + height)
        self.y = top + height


def _continued_below(cells: Sequence[tuple[Any, ...]], cell: _Cell, following: _Row) -> bool:
    """Whether the cell is vertically merged with the cell below it."""
    column = 0
    for other, *_rest in cells:
        if other is cell:
            break
        column += other.span
    below = 0
    for candidate in following.cells:
        if below == column:
            return candidate.vmerge == "continue"
        below += candidate.span
    return False


#: Creation date written when the metadata gives none (a fixed one keeps output deterministic).
FIXED_CREATION_DATE = datetime(2000, 1, 1, tzinfo=UTC)


def docx_to_pdf(
    docx: bytes, *, title: str = "", metadata: Mapping[str, str] | None = None
) -> bytes:
    """Lay a rendered .docx out as an A4 PDF with the CJK fonts embedded (subset): the working
    TrueType fonts (:mod:`xiufu.letters.fonts`), or Noto CJK SC itself for a document with a
    character they lack.

    ``metadata`` may give ``author``, ``subject``, ``keywords`` and ``creation_date`` (ISO 8601;
    without it the date is fixed, so the same document gives the same bytes).
    """
    metadata = metadata or {}
    document = Document(io.BytesIO(docx))
    body = document.element.body
    setup = _page_setup(body)
    # what may be drawn: the text of the body's runs, the page numbers "— 12 —" and the "-" of
    # non-breaking hyphens (the text of hidden runs too: at worst the full font is used)
    drawn = {char for t in body.iter(qn("w:t")) for char in (t.text or "")}
    pdf = _LetterPDF(setup, _font_files(drawn | set("— 0123456789-")))
    try:
        reader = _Reader(document, pdf, setup)
        blocks = reader.blocks(body)
        pdf.set_title(title or document.core_properties.title or "")
        pdf.set_creator("xiufu")
        pdf.set_lang("zh-CN")
        for key, setter in (
            ("author", pdf.set_author),
            ("subject", pdf.set_subject),
            ("keywords", pdf.set_keywords),
        ):
            if metadata.get(key):
                setter(metadata[key])
        created = FIXED_CREATION_DATE
        if metadata.get("creation_date"):
            created = datetime.fromisoformat(metadata["creation_date"])
            if created.tzinfo is None:
                created = created.replace(tzinfo=UTC)
        pdf.set_creation_date(created)
        _register_font(pdf, "serif")
        _Layout(pdf, reader, setup).flow(blocks)
        return bytes(pdf.output())
    finally:
        _release_fonts(pdf)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, all pages, with whitespace and NULs removed: pypdf puts one of those
    between the characters of fpdf2's CID fonts (pdfium extracts them cleanly)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"[\s\x00]+", "", text)


def pdf_page_png(pdf: bytes, page: int = 0, *, dpi: int = 110) -> bytes:
    """One page of the PDF as a PNG (pdfium), for previews and the docs."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[page].render(scale=dpi / 72)
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()


def qr_png(text: str) -> bytes:
    """A QR code (error correction M, 4-module quiet zone) as a PNG."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


_DIGITS = "〇一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1..31 the way dates write them: 十, 十一, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    text = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return text + (_DIGITS[ones] if ones else "")


def chinese_date(d: date) -> str:
    """二〇二六年十一月三十日 (the formal style of 公文)."""
    year = "".join(_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_chinese_number(d.month)}月{_chinese_number(d.day)}日"
