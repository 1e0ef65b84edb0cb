"""The one pagination every API list uses: ``@paginate(LimitOffset)``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Deep offsets make the database skip rows one by one; nobody pages this far by hand.
MAX_OFFSET = 10_000


class LimitOffset(PaginationBase):
    """``?limit=&offset=`` over a queryset ordered by an indexed, unique key.

    The body carries the page's items, the total ``count``, and the ``limit`` and ``offset``
    actually used, so a client knows when it has reached the end.
    """

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        items: list[Any]
        count: int
        limit: int
        offset: int

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request, **params: Any
    ) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        return {
            "items": list(queryset[offset : offset + limit]),
            "count": self._items_count(queryset),
            "limit": limit,
            "offset": offset,
        }
