"""Cursor pagination: stable pages while claims are added and changed, and links a client follows to the end."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class CursorPagination(pagination.CursorPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-pk")
    # The `ordering` values a view allows (name -> model field), else only its fixed ordering. Cursors need an
    # ordering on a field that is never null, so ClaimFilter's other orderings are refused with 400.
    ordering_choices_attribute = "cursor_orderings"

    def get_ordering(self, request, queryset, view):
        choices = getattr(view, self.ordering_choices_attribute, None)
        default = getattr(view, "cursor_ordering", self.ordering)
        requested = request.query_params.get("ordering", "").strip()
        if not choices or not requested:
            return tuple(default)
        descending = requested.startswith("-")
        field = choices.get(requested.lstrip("-"))
        if field is None:
            allowed = ", ".join(f"{name}, -{name}" for name in choices)
            raise ValidationError({"ordering": [f"Order by one of: {allowed}."]})
        return (f"-{field}", "-pk") if descending else (field, "pk")

    def get_page_size(self, request):
        # DRF falls back to the default page size for a `page_size` it cannot read; bad input is a 400 here.
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not given.isascii() or not given.isdigit() or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return int(given)

    def decode_cursor(self, request):
        # DRF answers a cursor it cannot read with 404; it is bad input, so 400 naming the parameter. A position
        # holding a NUL would reach the database, which refuses it (PostgreSQL): also a cursor we never wrote.
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            cursor = None
        else:
            if cursor is None or "\x00" not in (cursor.position or ""):
                return cursor
        raise ValidationError({self.cursor_query_param: ["This cursor is not valid: follow the next link."]})
