"""Fixtures of the assistance tests: programmes from the data file, the pandemic rules, files."""

import csv
import io

import pytest

from assistance.demo_data import ensure_pandemic_rules
from assistance.models import Programme
from assistance.services import load_programmes


@pytest.fixture(autouse=True)
def _inline_jobs(settings, tmp_path):
    settings.JOBS_MODE = "inline"
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def programmes(db):
    load_programmes()
    return {programme.code: programme for programme in Programme.objects.all()}


@pytest.fixture
def pandemic_rules(programmes):
    ensure_pandemic_rules()
    return programmes


LIST_HEADER = ["NIK", "NO_KK", "NAMA", "TANGGAL_LAHIR", "ALAMAT", "KODE_DESA"]


@pytest.fixture
def list_file(tmp_path):
    """Write rows (lists in LIST_HEADER order, or dicts) as a beneficiary CSV or .xlsx."""

    def write(rows, *, name="daftar.csv", header=LIST_HEADER, sheet="Penerima"):
        table = [
            [row.get(column, "") for column in header] if isinstance(row, dict) else row
            for row in rows
        ]
        path = tmp_path / name
        if name.endswith(".xlsx"):
            import openpyxl

            workbook = openpyxl.Workbook()
            worksheet = workbook.active
            worksheet.title = sheet
            worksheet.append(header)
            for values in table:
                worksheet.append(values)
            workbook.save(path)
            return path
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(table)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path

    return write
