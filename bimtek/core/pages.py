"""Pages of a list that was not read by `db.paginate`: a search that stops at its page, or rows built in Python.

`Page` has the shape of Flask-SQLAlchemy's Pagination (items, page, per_page, total, pages, has_next,
next_num, ...), so the one `pager` macro in templates/_partials.html pages every list. A search may know
only a lower bound of its total (`exact` False): the page then says "lebih dari N" and offers the next
page when one was seen, instead of counting every match.
"""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination


def round_down(n: int) -> int:
    """A readable lower bound: 1,337 -> 1,300; 52 -> 50; 7 -> 7."""
    if n < 10:
        return max(n, 0)
    step = 10 if n < 100 else 10 ** (len(str(n)) - 2)
    return n // step * step


class Page(Pagination):
    """One page of rows already read, with its total (exact, or a lower bound) and whether a next page exists."""

    def __init__(
        self, items: list, *, page: int, per_page: int, total: int, exact: bool = True, has_next: bool | None = None
    ) -> None:
        self.exact = exact
        self._has_next = has_next
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False, items=items, total=total)

    @classmethod
    def of_list(cls, rows: list, *, page: int, per_page: int) -> Page:
        """The page-th slice of rows computed in Python (the page number is clamped to the last page)."""
        pages = max(1, -(-len(rows) // per_page))
        page = min(max(1, page), pages)
        return cls(rows[(page - 1) * per_page : page * per_page], page=page, per_page=per_page, total=len(rows))

    def _query_items(self) -> list:
        return list(self._query_args["items"])

    def _query_count(self) -> int:
        return int(self._query_args["total"])

    @property
    def has_next(self) -> bool:
        if self._has_next is not None:
            return self._has_next
        return self.page < self.pages

    @property
    def shown_total(self) -> int:
        """The number a page shows: the total, or for a lower bound the round number it is "more than"."""
        return self.total if self.exact else round_down(max(self.total - 1, 0))
