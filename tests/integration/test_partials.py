"""Shared template macros."""

from flask import render_template_string


def test_pager_keeps_filters_and_links_both_ways(app):
    with app.test_request_context("/manage/events/3/participants?q=budi&page=2"):
        from flask import request

        request.view_args = {"event_id": 3}
        out = render_template_string(
            '{% from "_partials.html" import pager %}{{ pager(2, 10, 35, "registration.participants") }}'
        )
    assert "Halaman 2 dari 4" in out
    assert "page=1" in out and "page=3" in out and "q=budi" in out
