"""Property-based fuzzing of the parsers that read what people and spreadsheets type.

Each property says what must hold for ANY input: a clear refusal of the documented kind, never
another exception, and never a result that breaks the parser's own promises.
"""

import contextlib
import tempfile
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.numbering import document_time_zone, format_number, validate_format
from people.importing.errors import ImportFileError
from people.importing.readers import open_table
from people.nik import InvalidIdentifier, mask_nik, normalise_identifier, parse_kk, parse_nik

TODAY = date(2026, 12, 4)
# What a spreadsheet or a keyboard can put in an identifier cell.
cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.text(alphabet="0123456789 .-'\u00a0Ee+", max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
)


@given(cells)
def test_parse_nik_accepts_or_refuses_clearly(value):
    try:
        info = parse_nik(value, today=TODAY)
    except InvalidIdentifier as error:
        assert str(error)
    else:
        assert len(info.nik) == 16 and info.nik.isdigit()
        assert info.birth_date <= TODAY
        assert info.sex in ("L", "P")


@given(cells)
def test_parse_kk_accepts_or_refuses_clearly(value):
    try:
        kk = parse_kk(value)
    except InvalidIdentifier as error:
        assert str(error)
    else:
        assert len(kk) == 16 and kk.isdigit()


@given(cells)
def test_normalise_identifier_never_crashes(value):
    with contextlib.suppress(InvalidIdentifier):
        normalise_identifier(value)


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_a_masked_nik_hides_the_middle_digits(nik):
    masked = mask_nik(nik)
    assert masked.startswith(nik[:4]) and masked.endswith(nik[-4:])
    assert nik[4:12] not in masked[4:-4] or set(nik[4:12]) == {"*"}


# Number formats: literal text with any of the known fields, or arbitrary text.
known_fields = st.sampled_from(
    ["{sequence}", "{sequence:03d}", "{classification}", "{office_code}", "{month_roman}", "{year}"]
)
formats = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(known_fields, st.text(alphabet="/.-ABC 0123", max_size=4)), max_size=8).map(
        "".join
    ),
)


@given(formats, st.integers(min_value=1, max_value=10**6))
def test_a_number_format_is_refused_or_always_yields_the_sequence(number_format, sequence):
    try:
        validate_format(number_format)
    except ValidationError as error:
        assert error.messages
        return
    number = format_number(
        number_format,
        classification="470",
        sequence=sequence,
        office_code="35.10.01.2001",
        moment=datetime(2026, 12, 4, tzinfo=document_time_zone()),
    )
    assert str(sequence) in number


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda text: text.encode("utf-8")),
        st.lists(
            st.lists(st.text(alphabet="NIKAMa0123;,\"' \n", max_size=8), max_size=5), max_size=6
        ).map(lambda rows: "\n".join(";".join(row) for row in rows).encode("cp1252", "replace")),
    ),
    suffix=st.sampled_from([".csv", ".xlsx", ".txt"]),
)
def test_the_import_reader_reads_or_refuses_any_file(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            with open_table(path) as table:
                for line, cells_read in table.rows:
                    assert line >= 1 and isinstance(cells_read, list)
        except ImportFileError as error:
            assert str(error)
