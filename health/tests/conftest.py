"""Fixtures of the health tests: dose files written the way health offices export them."""

import csv
import io
import json

import pytest

from health.vaccination import NIK_SYSTEM

DOSE_COLUMNS = (
    "NIK",
    "NAMA",
    "TANGGAL_LAHIR",
    "DOSIS",
    "TANGGAL_VAKSIN",
    "JENIS_VAKSIN",
    "NO_BATCH",
    "FASKES",
)


@pytest.fixture
def dose_file(tmp_path):
    """Write dose rows (dicts keyed by DOSE_COLUMNS) as a CSV file; returns its path."""

    def write(rows, *, name="dosis.csv", columns=DOSE_COLUMNS):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in columns])
        path = tmp_path / name
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path

    return write


def immunization(nik, dose, when, *, product="CoronaVac", patient_key="patient", **extra):
    return {
        "resourceType": "Immunization",
        "status": "completed",
        "vaccineCode": {"text": product},
        patient_key: {"identifier": {"system": NIK_SYSTEM, "value": nik}},
        "occurrenceDateTime": when,
        "protocolApplied": [{"doseNumberPositiveInt": dose}],
        **extra,
    }


def bundle(*resources):
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource} for resource in resources],
    }


@pytest.fixture
def fhir_file(tmp_path):
    def write(document, *, name="imunisasi.json"):
        path = tmp_path / name
        path.write_text(json.dumps(document), encoding="utf-8")
        return path

    return write
