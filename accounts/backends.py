"""Sign-in for residents: NIK plus PIN or password.

Staff sign in with their username through Django's ModelBackend. A NIK alone never signs
anyone in: the PIN or password is always checked, and failures are counted by django-axes.
"""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.roles import Role
from people.nik import InvalidIdentifier, normalise_identifier


class NikPinBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        try:
            nik = normalise_identifier(username).value
        except InvalidIdentifier:
            return None
        if len(nik) != 16 or not nik.isdigit():
            return None
        user = (
            User.objects.filter(role=Role.RESIDENT, resident__nik=nik)
            .select_related("resident")
            .first()
        )
        if user is None:
            # Spend the same time as a real check, so timing does not tell who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
