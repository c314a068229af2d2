"""Personal search terms (NIP, email) stay out of URLs."""

from tests.factories import login, make_event, make_registration, make_user


def test_nip_search_never_goes_into_a_url(client):
    """A NIP typed into the search is posted and kept server-side; links carry only sq=1."""
    owner = make_user("organizer")
    event = make_event(owner)
    target = make_registration(event, employment_status="pns", nip="196608011988031001", rank="Penata (III/c)")
    make_registration(event)
    login(client, owner)
    resp = client.post(f"/manage/events/{event.id}/participants", data={"q": "196608011988031001", "field": "nip"})
    assert resp.status_code == 303
    location = resp.headers["Location"]
    assert "196608011988031001" not in location and "sq=1" in location
    page = client.get(location).get_data(as_text=True)
    assert target.code in page and "1 peserta" in page
    assert "196608011988031001" not in page.split('id="f-q"')[0]  # export and email links stay clean
    export = client.get(f"/manage/events/{event.id}/participants/export?sq=1&format=csv&columns=full_name")
    assert export.get_data(as_text=True).count("\n") == 2  # header + the one match
