"""Form definitions: what staff may write, and the forms built from them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from services.formdef import bind, labelled_answers, validate_form_definition

DEFINITION = [
    {
        "key": "nama_usaha",
        "label": "Nama usaha",
        "label_en": "Business name",
        "type": "text",
        "required": True,
    },
    {"key": "mulai", "label": "Mulai usaha", "type": "date", "required": False},
    {"key": "modal", "label": "Modal (Rp)", "type": "number", "required": False},
    {
        "key": "jenis",
        "label": "Jenis",
        "type": "choice",
        "required": True,
        "choices": ["Dagang", "Jasa"],
    },
    {"key": "hp", "label": "Nomor HP", "type": "phone", "required": False},
    {"key": "catatan", "label": "Catatan", "type": "textarea"},
]


def test_a_good_definition_passes():
    validate_form_definition(DEFINITION)


@pytest.mark.parametrize(
    ("field", "complaint"),
    [
        ({"key": "Nama Usaha", "label": "x", "type": "text"}, "kunci"),
        ({"key": "a", "label": "", "type": "text"}, "label"),
        ({"key": "a", "label": "A", "type": "colour"}, "jenis"),
        ({"key": "a", "label": "A", "type": "choice"}, "pilihan"),
        ({"key": "a", "label": "A", "type": "choice", "choices": ["x", "x"]}, "pilihan"),
        ({"key": "a", "label": "A", "type": "text", "choices": ["x"]}, "pilihan"),
        ({"key": "a", "label": "A", "type": "text", "required": "yes"}, "required"),
        ({"key": "a", "label": "A", "type": "text", "colour": "red"}, "tidak dikenal"),
    ],
)
def test_a_broken_field_is_refused_with_a_reason(field, complaint):
    with pytest.raises(ValidationError) as error:
        validate_form_definition([field])

    assert complaint in " ".join(error.value.messages)


def test_a_key_used_twice_is_refused():
    field = {"key": "a", "label": "A", "type": "text"}

    with pytest.raises(ValidationError, match="dua kali"):
        validate_form_definition([field, field])


def test_a_definition_that_is_not_a_list_is_refused():
    with pytest.raises(ValidationError):
        validate_form_definition({"key": "a"})


def test_the_generated_form_validates_types_and_stores_strings():
    form = bind(
        DEFINITION,
        {
            "nama_usaha": "Toko Bu Sri",
            "mulai": "2024-02-29",
            "modal": "1500000.00",
            "jenis": "Dagang",
            "hp": "0812 3456-7890",
        },
    )

    assert form.is_valid(), form.errors
    assert form.to_json() == {
        "nama_usaha": "Toko Bu Sri",
        "mulai": "2024-02-29",
        "modal": "1500000",
        "jenis": "Dagang",
        "hp": "081234567890",
    }


def test_wrong_types_and_unknown_choices_are_errors():
    form = bind(
        DEFINITION,
        {"nama_usaha": "", "mulai": "30-02-2024", "modal": "-5", "jenis": "Tani", "hp": "12345"},
    )

    assert not form.is_valid()
    assert set(form.errors) == {"nama_usaha", "mulai", "modal", "jenis", "hp"}


def test_labels_follow_the_active_language():
    with translation.override("en"):
        assert bind(DEFINITION).fields["nama_usaha"].label == "Business name"
        # No English label: the Indonesian one is shown.
        assert bind(DEFINITION).fields["jenis"].label == "Jenis"
    with translation.override("id"):
        assert bind(DEFINITION).fields["nama_usaha"].label == "Nama usaha"


def test_answers_are_listed_with_their_labels_in_order():
    answers = {"jenis": "Jasa", "nama_usaha": "Bengkel", "mulai": date(2024, 1, 1).isoformat()}

    assert labelled_answers(DEFINITION, answers) == [
        ("Nama usaha", "Bengkel"),
        ("Mulai usaha", "2024-01-01"),
        ("Jenis", "Jasa"),
    ]
