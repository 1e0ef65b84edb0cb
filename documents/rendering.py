"""Lay out a letter as PDF with fpdf2: letterhead, title and number, body, signer, QR code.

Fonts are DejaVu Sans (regular and bold) shipped in ``documents/fonts`` and embedded as
subsets with a Unicode map, so names such as ``JOSÉ DA COSTA`` or ``MUHAMMAD ‘ALI`` print and
copy exactly. The QR code is drawn as vector squares (segno's module matrix), so it stays sharp
at any zoom and needs no image library.

A draft (``draft=True``) carries a "DRAF — belum berlaku" watermark on every page, no number
and no QR code.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import segno
from fpdf import FPDF

from documents.placeholders import Paragraph, Row

# fontTools logs every subsetting step at INFO: dozens of lines per document.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "DejaVuSans"
DRAFT_MARK = "DRAF — belum berlaku"

PAGE_MARGIN = 20.0
BODY_SIZE = 11
LINE_HEIGHT = 5.8
ROW_INDENT = 8.0
ROW_LABEL_WIDTH = 52.0
COLON_WIDTH = 4.0
QR_SIZE = 28.0
SIGNATURE_COLUMN_X = 115.0
# Room the closing needs: date, position, space for the seal, name, QR caption.
CLOSING_HEIGHT = 62.0


@dataclass(frozen=True)
class Letter:
    """Everything printed on one document, already in final wording."""

    title: str
    letterhead_lines: Sequence[str]
    blocks: Sequence[Paragraph | Row]
    place: str
    date_text: str
    signer_name: str
    signer_position: str
    office_name: str
    number: str | None = None
    verification_url: str | None = None
    draft: bool = False
    created_at: datetime | None = None
    notes: Sequence[str] = field(default_factory=tuple)


class _LetterPdf(FPDF):
    def __init__(self, letter: Letter):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.letter = letter
        self.add_font(FONT_FAMILY, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT_FAMILY, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_margins(PAGE_MARGIN, 15, PAGE_MARGIN)
        self.set_auto_page_break(auto=True, margin=18)

    def header(self) -> None:
        if not self.letter.draft:
            return
        # Behind the text: drawn first on every page.
        with self.local_context(text_color=(215, 215, 215)):
            self.set_font(FONT_FAMILY, "B", 44)
            with self.rotation(angle=45, x=self.w / 2, y=self.h / 2):
                width = self.get_string_width(DRAFT_MARK)
                self.text(self.w / 2 - width / 2, self.h / 2, DRAFT_MARK)
        self.set_font(FONT_FAMILY, "B", 9)
        with self.local_context(text_color=(170, 0, 0)):
            self.set_xy(PAGE_MARGIN, 6)
            self.cell(0, 5, DRAFT_MARK + " — pratinjau, belum bernomor dan belum ditandatangani")
        self.set_xy(PAGE_MARGIN, 15)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT_FAMILY, "", 7.5)
        with self.local_context(text_color=(90, 90, 90)):
            left = self.letter.number or DRAFT_MARK
            self.cell(self.epw / 2, 5, left)
            self.cell(self.epw / 2, 5, f"Halaman {self.page_no()} dari {{nb}}", align="R")


def render_letter(letter: Letter) -> bytes:
    pdf = _LetterPdf(letter)
    pdf.set_title(f"{letter.title} {letter.number or ''}".strip())
    pdf.set_author(letter.office_name)
    pdf.set_creator("Smart Kampung")
    pdf.set_lang("id")
    if letter.created_at is not None:
        pdf.set_creation_date(letter.created_at)
    pdf.add_page()

    _letterhead(pdf, letter.letterhead_lines)
    _title(pdf, letter)
    previous = None
    for block in letter.blocks:
        if isinstance(block, Row):
            _row(pdf, block)
        else:
            if isinstance(previous, Row):
                pdf.ln(2.5)
            _paragraph(pdf, block)
        previous = block
    _closing(pdf, letter)
    return bytes(pdf.output())


def _letterhead(pdf: FPDF, lines: Sequence[str]) -> None:
    """From the top: the government levels, the office (largest), and its address (small)."""
    lines = [line for line in lines if line.strip()]
    count = len(lines)
    for index, line in enumerate(lines):
        if count >= 3 and index == count - 1:
            pdf.set_font(FONT_FAMILY, "", 8.5)
            height = 4.5
        elif count >= 3 and index == count - 2:
            pdf.set_font(FONT_FAMILY, "B", 15)
            height = 7.5
        else:
            pdf.set_font(FONT_FAMILY, "B", 12.5)
            height = 6.2
        pdf.multi_cell(0, height, line, align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 2
    pdf.set_line_width(0.9)
    pdf.line(PAGE_MARGIN, y, pdf.w - PAGE_MARGIN, y)
    pdf.set_line_width(0.25)
    pdf.line(PAGE_MARGIN, y + 1.3, pdf.w - PAGE_MARGIN, y + 1.3)
    pdf.set_y(y + 7)


def _title(pdf: FPDF, letter: Letter) -> None:
    pdf.set_font(FONT_FAMILY, "BU", 12.5)
    pdf.multi_cell(0, 6.5, letter.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
    number = letter.number if letter.number else "— (belum bernomor)"
    pdf.multi_cell(0, 6, f"Nomor: {number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)


def _paragraph(pdf: FPDF, block: Paragraph) -> None:
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
    pdf.multi_cell(0, LINE_HEIGHT, block.text, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2.5)


def _row(pdf: FPDF, block: Row) -> None:
    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
    if pdf.get_y() + 2 * LINE_HEIGHT > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    label_x = PAGE_MARGIN + ROW_INDENT
    value_x = label_x + ROW_LABEL_WIDTH + COLON_WIDTH
    pdf.set_xy(label_x, top)
    pdf.multi_cell(
        ROW_LABEL_WIDTH, LINE_HEIGHT, block.label, align="L", new_x="LMARGIN", new_y="NEXT"
    )
    label_bottom = pdf.get_y()
    pdf.set_xy(label_x + ROW_LABEL_WIDTH, top)
    pdf.cell(COLON_WIDTH, LINE_HEIGHT, ":")
    pdf.set_xy(value_x, top)
    pdf.multi_cell(
        pdf.w - PAGE_MARGIN - value_x,
        LINE_HEIGHT,
        block.value,
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_y(max(label_bottom, pdf.get_y()) + 0.6)


def _closing(pdf: FPDF, letter: Letter) -> None:
    pdf.ln(4)
    if pdf.get_y() + CLOSING_HEIGHT > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    width = pdf.w - PAGE_MARGIN - SIGNATURE_COLUMN_X

    pdf.set_font(FONT_FAMILY, "", BODY_SIZE)
    pdf.set_xy(SIGNATURE_COLUMN_X, top)
    pdf.multi_cell(width, LINE_HEIGHT, f"{letter.place}, {letter.date_text}", align="C")
    pdf.set_x(SIGNATURE_COLUMN_X)
    pdf.multi_cell(width, LINE_HEIGHT, letter.signer_position, align="C")
    seal_top = pdf.get_y()
    pdf.set_font(FONT_FAMILY, "", 7.5)
    with pdf.local_context(text_color=(90, 90, 90)):
        pdf.set_xy(SIGNATURE_COLUMN_X, seal_top + 6)
        note = "belum ditandatangani" if letter.draft else "ditandatangani secara elektronik"
        pdf.multi_cell(width, 4, f"({note})", align="C")
    pdf.set_xy(SIGNATURE_COLUMN_X, seal_top + 20)
    pdf.set_font(FONT_FAMILY, "BU", BODY_SIZE)
    pdf.multi_cell(width, LINE_HEIGHT, letter.signer_name, align="C")
    bottom = pdf.get_y()

    if letter.verification_url and not letter.draft:
        _qr(pdf, letter.verification_url, PAGE_MARGIN, top, QR_SIZE)
        pdf.set_font(FONT_FAMILY, "", 7.5)
        caption_x = PAGE_MARGIN + QR_SIZE + 2
        pdf.set_xy(caption_x, top + 2)
        pdf.multi_cell(
            SIGNATURE_COLUMN_X - caption_x - 4,
            3.6,
            "Dokumen ini ditandatangani secara elektronik. Pindai kode QR untuk memeriksa "
            "keasliannya, atau buka alamat verifikasi di bawah.",
            align="L",
        )
        bottom = max(bottom, top + QR_SIZE)
        # The address on one full-width line, so that it can be read and typed whole.
        pdf.set_xy(PAGE_MARGIN, bottom + 3)
        pdf.set_font(FONT_FAMILY, "", 7.5)
        pdf.multi_cell(0, 3.6, f"Verifikasi: {letter.verification_url}", align="L")
        bottom = pdf.get_y()
    pdf.set_y(bottom + 3)

    for note in letter.notes:
        pdf.set_font(FONT_FAMILY, "", 8)
        pdf.multi_cell(0, 4, note, align="L", new_x="LMARGIN", new_y="NEXT")


def _qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as filled runs of dark modules (plus the quiet zone, left blank)."""
    code = segno.make(url, error="m", micro=False)
    quiet = 2
    modules = len(code.matrix) + 2 * quiet
    module = size / modules
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(code.matrix):
        top = y + (row_index + quiet) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            # A hair of overlap so that viewers do not show seams between rows.
            pdf.rect(
                x + (start + quiet) * module,
                top,
                (column - start) * module,
                module + 0.02,
                style="F",
            )
