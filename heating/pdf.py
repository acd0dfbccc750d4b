"""Printed documents (receipts, notices, statements): HTML rendered by WeasyPrint with a stylesheet that
names Debian's fonts-wqy-microhei, so Chinese text is embedded, not left as missing glyphs."""

from pathlib import Path


def pdf_from_html(html: str, stylesheet: str | Path) -> bytes:
    from weasyprint import CSS, HTML  # loaded on first use: WeasyPrint is slow to import

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(stylesheet))])


def premises_address(premises) -> str:
    """The building's street address and the home in it, as printed documents give it."""
    building = premises.building.address if premises.building else ""
    return " ".join(filter(None, [building, str(premises)]))
