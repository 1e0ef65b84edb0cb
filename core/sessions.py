"""Database sessions, read with one plain statement on every signed-in request.

Django's database backend builds and compiles an ORM query to read the session on each request;
this reads the same row with the same condition (key and expiry) in a fixed statement, and
leaves writing, expiry and clean-up to Django. ``SESSION_ENGINE = "core.sessions"``.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        statement = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(statement, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
