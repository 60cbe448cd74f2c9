"""interop/pdf.py: every script renders and reads back, nothing is fetched, nothing runs."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pypdf
import pytest

from scamlink.interop.pdf import missing_fonts, render_pdf

KOREAN = "피해자 김민수는 캄보디아 단지에 감금되어 있다"
# Tone marks over lower vowels (ถูก, ผู้, ปู่) are where a wrong font breaks the text layer.
THAI = "ผู้เสียหายถูกหลอกให้ลงทุน ปู่ ญี่ปุ่น"
KHMER = "ជនរងគ្រោះត្រូវបានឃុំខ្លួន"


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_machine_has_fonts_for_every_script() -> None:
    assert missing_fonts() == ()


def test_korean_thai_and_khmer_render_and_read_back() -> None:
    pdf = render_pdf(
        f"<!doctype html><html><body><h1>Dossier</h1><p>{KOREAN}</p><p>{THAI}</p>"
        f"<p>{KHMER}</p></body></html>"
    )
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert KOREAN in text
    assert THAI in text
    assert KHMER in text


# Every language reporters write in (BRIEF.md), in its own script.
EVERY_LANGUAGE = {
    "ko": KOREAN,
    "en": "The victim was lured by a fake job offer",
    "th": THAI,
    "vi": "Nạn nhân bị lừa đảo đầu tư",
    "id": "Korban ditipu lewat aplikasi investasi",
    "ms": "Mangsa ditipu melalui tawaran kerja palsu",
    "fil": "Ang biktima ay naloko ng pekeng trabaho",
    "km": KHMER,
    "lo": "ຜູ້ເສຍຫາຍຖືກຫຼອກລວງ",
    "my": "သားကောင်သည် လိမ်လည်ခံရသည်",
    "zh": "受害人被诈骗集团关押在园区",
}


def test_every_language_of_the_reporters_reads_back() -> None:
    pdf = render_pdf("".join(f'<p lang="{k}">{v}</p>' for k, v in EVERY_LANGUAGE.items()))
    text = _text(pdf)
    missing = [k for k, v in EVERY_LANGUAGE.items() if v not in text]
    assert missing == []


def test_the_fonts_used_are_embedded_for_each_script() -> None:
    pdf = render_pdf(f"<p>{KOREAN}</p><p>{THAI}</p><p>{KHMER}</p>")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    joined = " ".join(fonts)
    assert "Noto-Sans-CJK-KR" in joined
    assert "Noto-Sans-Thai" in joined
    assert "Noto-Sans-Khmer" in joined


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared by the test on purpose

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def http_server() -> Iterator[str]:
    _Recorder.hits = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_no_url_is_fetched_except_data_urls(
    http_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="scamlink.interop.pdf")
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    pdf = render_pdf(
        f'<html><head><link rel="stylesheet" href="{http_server}/style.css">'
        f"<style>@import url('{http_server}/imported.css');"
        f"body {{ background: url('{http_server}/bg.png') }}</style></head>"
        f'<body><img src="{http_server}/img.png"><img src="file:///etc/passwd">'
        f'<img src="{pixel}"><p>kept</p></body></html>'
    )
    assert _Recorder.hits == []
    refused = [r.getMessage() for r in caplog.records if r.name == "scamlink.interop.pdf"]
    assert sorted(message.rsplit("/", 1)[1] for message in refused) == [
        "bg.png",
        "img.png",
        "imported.css",
        "passwd",
        "style.css",
    ]
    assert "kept" in _text(pdf)
    assert b"root:" not in pdf
    # The data: image was drawn: the PDF carries an image XObject.
    assert b"/Image" in pdf


def test_package_files_are_read_and_files_outside_it_are_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="scamlink.interop.pdf")
    pdf = render_pdf(
        '<html><body><img src="web/static/favicon.svg">'
        '<img src="../../../../../../../etc/hostname"><p>x</p></body></html>'
    )
    assert "x" in _text(pdf)
    refused = [r.getMessage() for r in caplog.records if r.name == "scamlink.interop.pdf"]
    assert refused == ["PDF rendering refused to fetch file:///etc/hostname"]


def test_scripts_do_not_run() -> None:
    pdf = render_pdf(
        "<html><body><p id='t'>original</p>"
        "<script>document.getElementById('t').textContent = 'changed'</script></body></html>"
    )
    text = _text(pdf)
    assert "original" in text
    assert "changed" not in text
