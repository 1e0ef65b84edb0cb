"""Signing in and out: NIK + PIN for residents, username for staff, lockout, landing pages."""

import html
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from accounts.views import navigation

LOGIN_URL = reverse("accounts:login")
LOGOUT_URL = reverse("accounts:logout")
PIN = "284751"
INVALID_LOGIN = (
    "NIK/nama pengguna atau PIN/kata sandi tidak cocok. Periksa keduanya lalu coba lagi."
)


@pytest.fixture
def resident_with_pin(make_user, resident_in_village):
    return make_user(Role.RESIDENT, resident=resident_in_village, password=PIN)


def sign_in(client, username, password, *, environ=None, **extra):
    """Post the sign-in form (``extra``: more form fields; ``environ``: e.g. REMOTE_ADDR)."""
    return client.post(
        LOGIN_URL, {"username": username, "password": password, **extra}, **(environ or {})
    )


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def error_items(response) -> list[str]:
    """The messages of the error summary, as text."""
    body = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', body, re.S)
    if summary is None:
        return []
    items = re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


# --------------------------------------------------------------------------- the page


def test_sign_in_page_has_labelled_fields_and_a_phone_viewport(client):
    response = client.get(LOGIN_URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in body
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert '<label for="id_username">NIK atau nama pengguna</label>' in body
    assert '<label for="id_password">PIN atau kata sandi</label>' in body
    assert 'aria-describedby="id_username_helptext"' in body
    assert 'autocomplete="current-password"' in body
    assert "<script" not in body


def test_sign_in_page_tells_how_many_failures_lock_and_for_how_long(client):
    body = html.unescape(client.get(LOGIN_URL).content.decode())

    assert "setelah 10 kali gagal berturut-turut" in body
    assert "dikunci selama 15 menit" in body


# --------------------------------------------------------------------------- residents


def test_resident_signs_in_with_nik_and_pin_and_lands_on_my_data(
    client, resident_with_pin, resident_in_village
):
    response = sign_in(client, resident_in_village.nik, PIN)

    assert response.status_code == 302
    assert response["Location"] == reverse("people:my_data")
    assert signed_in_user_id(client) == str(resident_with_pin.pk)


def test_resident_may_type_the_nik_with_spaces_as_printed(
    client, resident_with_pin, resident_in_village
):
    nik = resident_in_village.nik
    typed = f" {nik[:6]} {nik[6:12]} {nik[12:]} "

    response = sign_in(client, typed, PIN)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(resident_with_pin.pk)


def test_nik_alone_does_not_sign_in_and_asks_for_the_pin(
    client, resident_with_pin, resident_in_village
):
    response = sign_in(client, resident_in_village.nik, "")

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert error_items(response) == ["PIN atau kata sandi: Isi PIN atau kata sandi Anda."]
    assert 'aria-describedby="id_password_error"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_wrong_pin_and_unknown_nik_get_the_same_message(
    client, resident_with_pin, resident_in_village, resident_elsewhere
):
    wrong_pin = sign_in(client, resident_in_village.nik, "975310")
    unknown_nik = sign_in(client, resident_elsewhere.nik, "975310")  # has no account

    assert signed_in_user_id(client) is None
    assert len(error_items(wrong_pin)) == 1
    assert error_items(wrong_pin)[0].startswith(INVALID_LOGIN)
    assert error_items(wrong_pin) == error_items(unknown_nik)
    assert wrong_pin.status_code == unknown_nik.status_code == 200


def test_password_of_a_resident_does_not_work_with_someone_elses_nik(
    client, resident_with_pin, make_user, resident_elsewhere
):
    make_user(Role.RESIDENT, resident=resident_elsewhere, password="531975")

    response = sign_in(client, resident_elsewhere.nik, PIN)

    assert signed_in_user_id(client) is None
    assert error_items(response)[0].startswith(INVALID_LOGIN)


def test_inactive_resident_cannot_sign_in(client, resident_with_pin, resident_in_village):
    resident_with_pin.is_active = False
    resident_with_pin.save()

    response = sign_in(client, resident_in_village.nik, PIN)

    assert signed_in_user_id(client) is None
    assert error_items(response)[0].startswith(INVALID_LOGIN)


# --------------------------------------------------------------------------- lockout


def test_ten_failures_lock_the_nik_even_for_the_right_pin(
    client, resident_with_pin, resident_in_village
):
    failures = [sign_in(client, resident_in_village.nik, f"9753{n:02d}") for n in range(10)]
    locked = sign_in(client, resident_in_village.nik, PIN)

    assert [response.status_code for response in failures[:9]] == [200] * 9
    assert failures[9].status_code == 429
    assert locked.status_code == 429
    assert signed_in_user_id(client) is None
    body = html.unescape(locked.content.decode())
    assert "Masuk dikunci sementara" in body
    assert "Silakan coba lagi setelah 15 menit." in body
    assert "kantor desa/kelurahan" in body
    assert resident_in_village.nik not in body


def test_lockout_of_one_nik_does_not_lock_another(
    client, resident_with_pin, resident_in_village, resident_elsewhere
):
    for n in range(10):
        sign_in(client, resident_elsewhere.nik, f"9753{n:02d}")

    response = sign_in(client, resident_in_village.nik, PIN)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(resident_with_pin.pk)


# --------------------------------------------------------------------------- staff


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("regent", "people:resident_list"),
        ("district_head", "people:resident_list"),
        ("village_officer", "people:resident_list"),
        ("agency_officer", "home"),
        ("call_centre_operator", "home"),
        ("kiosk", "home"),
    ],
)
def test_staff_sign_in_by_username_and_land_by_role(db, client, request, persona, landing):
    user = request.getfixturevalue(persona)

    response = sign_in(client, user.username, "uji-Sandi-2026!")

    assert response.status_code == 302
    assert response["Location"] == reverse(landing)
    assert signed_in_user_id(client) == str(user.pk)


def test_staff_sign_in_follows_a_safe_next_link(client, village_officer, resident_in_village):
    target = reverse("people:resident_detail", args=[resident_in_village.pk])

    response = sign_in(client, village_officer.username, "uji-Sandi-2026!", next=target)

    assert response["Location"] == target


def test_sign_in_ignores_a_next_link_to_another_site(client, village_officer):
    response = sign_in(
        client, village_officer.username, "uji-Sandi-2026!", next="https://example.org/"
    )

    assert response["Location"] == reverse("people:resident_list")


def test_signed_in_user_visiting_sign_in_goes_to_their_page(client, village_officer):
    client.force_login(village_officer)

    response = client.get(LOGIN_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("people:resident_list")


# --------------------------------------------------------------------------- sign out


def test_sign_out_is_a_post_and_says_goodbye(client, village_officer):
    client.force_login(village_officer)

    refused = client.get(LOGOUT_URL)
    response = client.post(LOGOUT_URL, follow=True)

    assert refused.status_code == 405
    assert signed_in_user_id(client) is None
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Anda sudah keluar." in response.content.decode()


def test_header_offers_sign_out_to_a_signed_in_user(client, resident_user):
    client.force_login(resident_user)

    body = client.get(reverse("home")).content.decode()

    assert f'<form method="post" action="{LOGOUT_URL}">' in body
    assert "SUPARMAN" in body
    assert "Warga" in body


# --------------------------------------------------------------------------- navigation


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        (
            "regent",
            [
                "home",
                "services:catalogue",
                "people:resident_list",
                "services:application_list",
                "services:manage_list",
                "core:audit_list",
            ],
        ),
        (
            "district_head",
            ["home", "services:catalogue", "people:resident_list", "services:application_list"],
        ),
        (
            "village_officer",
            ["home", "services:catalogue", "people:resident_list", "services:application_list"],
        ),
        ("agency_officer", ["home", "services:catalogue", "services:application_list"]),
        ("call_centre_operator", ["home", "services:catalogue"]),
        ("kiosk", ["home", "services:catalogue"]),
        (
            "resident_user",
            ["home", "services:catalogue", "people:my_data", "services:application_list"],
        ),
    ],
)
def test_navigation_offers_only_pages_the_role_may_open(db, client, request, persona, links):
    user = request.getfixturevalue(persona)
    http_request = RequestFactory().get(reverse("home"))
    http_request.user = user

    context = navigation(http_request)

    urls = [link["url"] for link in context["nav_links"]]
    # The shared links first, in this order; then the links each app adds for the role.
    assert urls[: len(links)] == [reverse(name) for name in links]
    assert [link["current"] for link in context["nav_links"]] == [True] + [False] * (len(urls) - 1)
    # Every link the menu offers opens for this role: none answers 403 or 404.
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code not in (403, 404), url


def test_navigation_offers_a_visitor_only_public_pages(db):
    from django.contrib.auth.models import AnonymousUser

    http_request = RequestFactory().get("/")
    http_request.user = AnonymousUser()

    urls = [link["url"] for link in navigation(http_request)["nav_links"]]

    assert urls == [reverse("home"), reverse("services:catalogue")]


def test_pages_show_the_navigation_with_the_current_page_marked(client, regent, settings):
    client.force_login(regent)

    body = client.get(reverse("people:resident_list")).content.decode()

    assert f'<a href="{reverse("people:resident_list")}" aria-current="page">' in body
    assert f'<a href="{reverse("core:audit_list")}">' in body


def test_guesses_spread_over_many_addresses_still_lock_the_nik(
    client, resident_with_pin, resident_in_village
):
    for n in range(10):
        address = {"REMOTE_ADDR": f"127.0.0.{10 + n}"}
        sign_in(client, resident_in_village.nik, f"9753{n:02d}", environ=address)

    locked = sign_in(client, resident_in_village.nik, PIN, environ={"REMOTE_ADDR": "127.0.0.99"})

    assert locked.status_code == 429
    assert signed_in_user_id(client) is None
