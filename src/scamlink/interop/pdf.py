"""PDF documents that scamlink hands to others: case dossiers, freeze requests.

`render_pdf(html)` turns one complete HTML document (built by the caller with Jinja2
*autoescape*: this module never escapes anything) into PDF bytes with WeasyPrint.

What it guarantees:

* **Every script we serve renders, and reads back.** A base stylesheet sets `font-family`
  to the Debian fonts installed by `make fonts` (`fonts-noto-cjk`: Noto Sans CJK for
  Korean, Chinese and Latin; `fonts-noto-core`: Noto Sans Thai, Khmer, Lao, Myanmar; DejaVu
  as the last resort); the caller's own CSS may add families before them. Thai comes from
  Noto rather than TLWG on purpose: TLWG's fonts reorder a tone mark and a lower vowel
  inside one cluster, and WeasyPrint then writes a text layer in which copying or
  extracting "ถูก" gives "ถ้ก". Fonts are read from the machine through fontconfig — none
  is fetched while rendering. `missing_fonts()` names the families the machine lacks (the
  `fonts` target of the Makefile checks the same ones).
* **Nothing is fetched.** WeasyPrint is given a fetcher that serves only `data:` URLs and
  files inside the installed `scamlink` package (stylesheets or logos shipped with it);
  every other URL (`http:`, `https:`, `file:` elsewhere, `ftp:` …) is refused, so a value
  that reached the document cannot make the server call out or read its disk. A refused
  resource is left out of the document (WeasyPrint logs it), the rest still renders.
* **Nothing runs.** WeasyPrint executes no scripts; HTML in the caller's *values* is
  harmless as long as the caller rendered them escaped (the dossier does, and its tests
  check it).

Typical use (the dossier and freeze requests do exactly this)::

    env = jinja2.Environment(loader=jinja2.PackageLoader("scamlink.cases"), autoescape=True)
    html = env.get_template("dossier.html").render(dossier=content)
    pdf_bytes = render_pdf(html)

`render_pdf` is thread-safe and synchronous; in a web handler call it through
`run_in_threadpool` (a 200-event dossier takes about a second).
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["FONT_FAMILY", "REQUIRED_FONTS", "PdfError", "missing_fonts", "render_pdf"]

_LOG = logging.getLogger(__name__)

# The families, in order: the first that has a glyph draws it. Noto Sans CJK KR covers Latin,
# Hangul and Han; then the Noto family of each Southeast Asian script.
FONT_FAMILY = (
    '"Noto Sans CJK KR", "Noto Sans Thai", "Noto Sans Khmer", "Noto Sans Lao", '
    '"Noto Sans Myanmar", "Noto Sans", "DejaVu Sans", sans-serif'
)

# Font family that must be present → the Debian package that brings it.
REQUIRED_FONTS: dict[str, str] = {
    "Noto Sans CJK KR": "fonts-noto-cjk",
    "Noto Sans Thai": "fonts-noto-core",
    "Noto Sans Khmer": "fonts-noto-core",
    "Noto Sans Lao": "fonts-noto-core",
    "Noto Sans Myanmar": "fonts-noto-core",
}

_BASE_CSS = f"""
@page {{ size: A4; margin: 18mm 16mm 20mm 16mm; }}
html {{ font-family: {FONT_FAMILY}; font-size: 10pt; line-height: 1.4; }}
pre, code, .mono {{ font-family: "DejaVu Sans Mono", {FONT_FAMILY}; }}
:lang(zh) {{ font-family: "Noto Sans CJK SC", {FONT_FAMILY}; }}
"""

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class PdfError(RuntimeError):
    """The document could not be rendered (the message says why)."""


class _RefusingFetcher(URLFetcher):  # type: ignore[misc]
    """Serves `data:` URLs and files of the scamlink package; refuses everything else."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if path.is_file() and path.is_relative_to(_PACKAGE_ROOT):
                return URLFetcherResponse(path.as_uri(), path.read_bytes())
        _LOG.info("PDF rendering refused to fetch %s", url[:200])
        raise ValueError(f"fetching {url[:200]!r} is not allowed while rendering a PDF")


@functools.cache
def _base_stylesheet() -> Any:
    return weasyprint.CSS(string=_BASE_CSS, url_fetcher=_RefusingFetcher())


def render_pdf(html: str) -> bytes:
    """The PDF of one complete HTML document (already escaped by the caller).

    Relative URLs resolve inside the `scamlink` package; only `data:` URLs and package
    files are ever read (see the module docstring). Raises `PdfError` when WeasyPrint fails.
    """
    fetcher = _RefusingFetcher()
    try:
        document = weasyprint.HTML(
            string=html, base_url=_PACKAGE_ROOT.as_uri() + "/", url_fetcher=fetcher
        )
        pdf = document.write_pdf(stylesheets=[_base_stylesheet()])
    except Exception as error:  # WeasyPrint raises many kinds; the caller needs one
        raise PdfError(f"the PDF could not be rendered: {error}") from error
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without target returns bytes
        raise PdfError("the PDF renderer returned no document")
    return pdf


@functools.cache
def missing_fonts() -> tuple[str, ...]:
    """Families of `REQUIRED_FONTS` this machine lacks, as `"Noto Sans Thai (fonts-noto-core)"`.

    Asks fontconfig (`fc-list :family=…`), the same source WeasyPrint draws from; an empty
    tuple means every script of the reporters' languages renders and reads back.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return tuple(f"{family} (fontconfig is missing)" for family in REQUIRED_FONTS)
    missing = []
    for family, package in REQUIRED_FONTS.items():
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [fc_list, f":family={family}", "family"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        ).stdout.strip()
        if not found:
            missing.append(f"{family} ({package})")
    return tuple(missing)
