"""The unfinished report's stored form."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from handlers.draft import Draft
from storage.media import StoredPhoto

PHOTO = StoredPhoto(path="2026/11/a.jpg", width=1280, height=960, size_bytes=20_000, sha256="ab" * 32)


@pytest.mark.parametrize("draft", [
    Draft(),
    Draft(name="Rina", latitude=-2.2096, longitude=113.9108, location_source="pin"),
    Draft(name="Rina", address="Jl. Merdeka 10", photos=[PHOTO, PHOTO], description="Lampu mati",
          category="street_lighting", category_chosen=True, privacy="anonymous"),
])
def test_a_draft_is_stored_as_plain_json_and_read_back_whole(draft: Draft) -> None:
    stored = json.loads(json.dumps(draft.to_json()))
    assert stored == asdict(draft)
    assert Draft.from_json(stored) == draft
