"""Shared template macros."""

from flask import render_template_string

from bimtek.core.pages import Page


def test_pager_keeps_filters_and_links_both_ways(app):
    with app.test_request_context("/manage/events/3/participants?q=budi&page=2"):
        from flask import request

        request.view_args = {"event_id": 3}
        out = render_template_string(
            '{% from "_partials.html" import pager %}{{ pager(found, "registration.participants") }}',
            found=Page(list(range(10)), page=2, per_page=10, total=35),
        )
    assert "Halaman 2 dari 4" in out
    assert "page=1" in out and "page=3" in out and "q=budi" in out


def test_pager_of_a_search_that_only_knows_a_lower_bound(app):
    """A search that stopped counting: no "of N", and a next link because a next row was seen."""
    with app.test_request_context("/manage/events/3/participants?page=2"):
        from flask import request

        request.view_args = {"event_id": 3}
        found = Page(list(range(50)), page=2, per_page=50, total=1001, exact=False, has_next=True)
        out = render_template_string(
            '{% from "_partials.html" import pager %}{{ pager(found, "registration.participants") }}', found=found
        )
        last = Page(list(range(3)), page=3, per_page=50, total=103, exact=True, has_next=False)
        end = render_template_string(
            '{% from "_partials.html" import pager %}{{ pager(last, "registration.participants") }}', last=last
        )
    assert "Halaman 2" in out and "dari" not in out and "page=1" in out and "page=3" in out
    assert found.shown_total == 1000
    assert "Halaman 3 dari 3" in end and "page=2" in end and "page=4" not in end


def test_page_of_a_python_list_clamps_the_page():
    rows = list(range(250))
    assert Page.of_list(rows, page=2, per_page=100).items == list(range(100, 200))
    assert Page.of_list(rows, page=9, per_page=100).items == list(range(200, 250))
    assert Page.of_list([], page=3, per_page=100).items == [] and Page.of_list([], page=3, per_page=100).pages == 0


def test_round_lower_bounds():
    from bimtek.core.pages import round_down

    assert [round_down(n) for n in (0, 7, 52, 999, 1000, 1337, 25_400)] == [0, 7, 50, 990, 1000, 1300, 25_000]
