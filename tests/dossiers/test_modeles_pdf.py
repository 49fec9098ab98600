"""The shared PDF helper (dossiers/pdf.py): WeasyPrint, header with organisme, dispositif and FINESS."""

import shutil
import subprocess

from dossiers.pdf import html_to_pdf, render_pdf


def _text(pdf: bytes, tmp_path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607


def test_render_pdf_prints_the_header(tmp_path):
    pdf = render_pdf(
        "dossiers/pdf/base.html",
        {
            "organisme": {"nom": "Association Les Pins", "finess_juridique": "310000001"},
            "dispositif": {"nom": "DITEP Les Pins", "finess": "310000002"},
            "titre": "Attestation",
        },
    )
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    if text is not None:
        assert "Association Les Pins" in text
        assert "310000002" in text


def test_no_network_nor_file_fetch(monkeypatch):
    # An image pointing outside is skipped (WeasyPrint logs the refused fetch), the PDF is still produced.
    fetched = []
    monkeypatch.setattr("urllib.request.OpenerDirector.open", lambda *a, **k: fetched.append(a) or None)
    pdf = html_to_pdf('<html><body><img src="http://example.org/x.png"><img src="file:///etc/passwd"></body></html>')
    assert pdf.startswith(b"%PDF")
    assert fetched == []
