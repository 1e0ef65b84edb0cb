import json
import stat

import pytest
from django.urls import reverse

from accounts.demo import ensure_demo_accounts
from accounts.models import User
from accounts.roles import Role


@pytest.fixture
def demo_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_there_is_one_demo_account_for_every_role(demo_var, resident_in_village):
    sign_ins = ensure_demo_accounts()

    assert sorted(item.role for item in sign_ins) == sorted(Role.values)
    for user in User.objects.all():
        # Each role carries the scope it needs (district, village, agency or resident).
        user.full_clean(exclude=["password"])


def test_demo_secrets_are_kept_private_and_reused(demo_var, resident_in_village):
    first = {item.login: item.secret for item in ensure_demo_accounts()}
    second = {item.login: item.secret for item in ensure_demo_accounts()}
    path = demo_var / "demo-credentials.json"

    assert first == second
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    # Every secret, and the demo resident's NIK (the resident's sign-in name) beside the PIN.
    assert stored.pop("warga-demo-nik") == resident_in_village.nik
    assert set(stored.values()) == set(first.values())


def test_demo_resident_signs_in_with_nik_and_pin(client, demo_var, resident_in_village):
    resident = next(i for i in ensure_demo_accounts() if i.role == Role.RESIDENT)

    response = client.post(
        reverse("accounts:login"), {"username": resident.login, "password": resident.secret}
    )

    assert resident.login == resident_in_village.nik
    assert response.status_code == 302
    assert client.get(reverse("people:my_data")).status_code == 200


def test_demo_village_officer_sees_the_demo_village(client, demo_var, resident_in_village):
    officer = next(i for i in ensure_demo_accounts() if i.role == Role.VILLAGE_OFFICER)
    client.post(reverse("accounts:login"), {"username": officer.login, "password": officer.secret})

    body = client.get(reverse("people:resident_list")).content.decode()

    assert resident_in_village.full_name in body
