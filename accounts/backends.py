"""Sign-in for residents: NIK plus PIN or password.

Staff sign in with their username (``UsernameBackend``). A NIK alone never signs anyone in:
the PIN or password is always checked, and failures are counted by django-axes.

Both load the signed-in user of each request in one query, together with what every page
asks of it: the resident record (the header shows the name) and the staff authenticator (the
second-step check), instead of three queries per request.
"""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.roles import Role
from people.nik import InvalidIdentifier, normalise_identifier


class UsernameBackend(ModelBackend):
    """Django's username and password check; the user of each request comes with its relations."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("resident", "totp").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class NikPinBackend(UsernameBackend):
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
