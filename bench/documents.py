"""Document issuing benchmark: end to end (number, render, sign, store) against rendering alone.

    .venv/bin/python bench/documents.py [--quick] [-n N]

Builds a fresh, migrated SQLite database and a fresh key folder in a temporary directory
(nothing in var/ is touched), adds N synthetic residents to one village, then

1. issues N documents one after the other with ``documents.services.issue_document`` (five
   letter types of the village's shared series: locked number, PDF, PAdES signature, file
   and SHA-256, audit entry), and
2. renders the same N documents again with the same body, number and QR code but without
   numbering, signing or storing.

Default N is 1,000; ``--quick`` is 50. The office's key is created before the clock starts,
as ``manage.py setup_signing`` would. The last line is::

    RESULT documents_per_s=... render_only_per_s=... ratio=... n=...

where ``ratio`` is documents_per_s / render_only_per_s (1.0 would mean numbering, signing and
storing cost nothing).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VILLAGE_CODE = "35.10.01.2001"
LETTER_TYPES = [
    "keterangan-domisili",
    "keterangan-usaha",
    "keterangan-kurang-mampu",
    "pengantar-surat-keterangan-catatan-kepolisian",
    "keterangan-penduduk",
]
LETTERHEAD = [
    "PEMERINTAH KABUPATEN BANYUWANGI",
    "KECAMATAN PESANGGARAN",
    "DESA SARONGAN",
    "Jl. Raya Sarongan No. 1, Pesanggaran, Banyuwangi 68488",
]
QUICK_N = 50
FULL_N = 1000


def _setup(workdir: Path) -> None:
    os.environ["SMARTKAMPUNG_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _residents(count: int):
    from people.models import Family, Resident
    from regions.models import Region

    village = Region.objects.get(code=VILLAGE_CODE)
    family = Family.objects.create(
        village=village, no_kk="3510010101200001", address="Jl. Sudirman – Gg. 2", rt="003"
    )
    Resident.objects.bulk_create(
        Resident(
            village=village,
            family=family,
            nik=f"3510011506{85 + index // 10000:02d}{index % 10000:04d}",
            full_name=f"WARGA UJI {index + 1}",
            sex="L",
            birth_place="Banyuwangi",
            birth_date=date(1985, 6, 15),
            occupation="Petani",
        )
        for index in range(count)
    )
    return list(Resident.objects.select_related("family", "village__parent__parent"))


def _signer():
    from accounts.models import User
    from accounts.roles import Role
    from regions.models import Region

    return User.objects.create(
        username="kades-bench", role=Role.VILLAGE_HEAD, region=Region.objects.get(code=VILLAGE_CODE)
    )


def _context(index: int) -> dict:
    return {
        "keperluan": "Persyaratan administrasi",
        "form": {"nama_usaha": f"Warung {index + 1}", "mulai_usaha": "2019-07-01"},
        "form_labels": {"nama_usaha": "Nama usaha", "mulai_usaha": "Mulai usaha"},
    }


def measure(count: int) -> dict[str, float]:
    from documents import content, services, signing
    from documents.models import DocumentType
    from documents.rendering import render_letter

    types = [DocumentType.objects.get(code=code) for code in LETTER_TYPES]
    residents = _residents(count)
    signer = _signer()
    signing.office_credentials(VILLAGE_CODE, "Desa Sarongan")

    issued = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    for index, resident in enumerate(residents):
        issued.append(
            services.issue_document(
                document_type=types[index % len(types)],
                subject=resident,
                office_code=VILLAGE_CODE,
                office_name="Desa Sarongan",
                letterhead_lines=LETTERHEAD,
                signer=signer,
                signer_name="H. SLAMET RIYADI",
                signer_position="Kepala Desa Sarongan",
                context=_context(index),
            )
        )
    end_to_end = time.perf_counter() - started
    end_to_end_cpu = time.process_time() - cpu_started

    cpu_started = time.process_time()
    started = time.perf_counter()
    for index, (resident, document) in enumerate(zip(residents, issued, strict=True)):
        document_type = types[index % len(types)]
        template = services.active_template(document_type)
        letter = content.letter_for(
            document_type=document_type,
            blocks=content.build_blocks(template.body, subject=resident, context=_context(index)),
            office_code=VILLAGE_CODE,
            office_name="Desa Sarongan",
            letterhead_lines=LETTERHEAD,
            signer_name="H. SLAMET RIYADI",
            signer_position="Kepala Desa Sarongan",
            place="Sarongan",
            moment=document.issued_at,
            number=document.number,
            url=content.verification_url(document.verification_token),
            draft=False,
        )
        render_letter(letter)
    render_only = time.perf_counter() - started
    render_only_cpu = time.process_time() - cpu_started

    numbers = sorted(document.sequence for document in issued)
    assert numbers == list(range(1, count + 1)), "numbers must be consecutive"
    return {
        "documents_per_s": count / end_to_end,
        "render_only_per_s": count / render_only,
        "end_to_end_s": end_to_end,
        "render_only_s": render_only,
        "end_to_end_cpu_s": end_to_end_cpu,
        "render_only_cpu_s": render_only_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_N} documents")
    parser.add_argument("-n", type=int, default=None, help=f"documents (default {FULL_N})")
    arguments = parser.parse_args()
    count = arguments.n or (QUICK_N if arguments.quick else FULL_N)

    with tempfile.TemporaryDirectory(prefix="smartkampung-bench-docs.") as workdir:
        _setup(Path(workdir))
        figures = measure(count)

    ratio = figures["documents_per_s"] / figures["render_only_per_s"]
    # CPU seconds too: on a shared machine the wall clock also measures the neighbours.
    print(
        f"Issued {count} documents in {figures['end_to_end_s']:.1f} s "
        f"({figures['end_to_end_cpu_s']:.1f} s CPU); rendered them alone in "
        f"{figures['render_only_s']:.1f} s ({figures['render_only_cpu_s']:.1f} s CPU)."
    )
    print(
        f"RESULT documents_per_s={figures['documents_per_s']:.2f} "
        f"render_only_per_s={figures['render_only_per_s']:.2f} ratio={ratio:.2f} n={count}"
    )


if __name__ == "__main__":
    main()
