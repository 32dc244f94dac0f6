"""What erasure takes out of free text, and the retention cut-off."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.models import Complaint, Reporter
from storage.privacy import identifiers, scrub
from storage.retention import retention_cutoff

REPORTER = Reporter(channel="whatsapp", external_id="+6281234567890", chat_id="whatsapp:+6281234567890",
                    profile_name="Siti A.", locale="id")
COMPLAINT = Complaint(code="ADU-7K3M9Q", reporter_id=1, channel="whatsapp", status="received",
                      name="Siti Aminah", address="Jl. Kenanga Raya 9", description="-", category="waste",
                      locale="id")
SECRETS = identifiers(REPORTER, [COMPLAINT])


@pytest.mark.parametrize(("note", "scrubbed"), [
    ("Sudah ditelepon Siti Aminah di 081234567890", "Sudah ditelepon *** di ***"),
    ("Pelapor SITI AMINAH (+6281234567890) tinggal di jl. kenanga raya 9",
     "Pelapor *** (***) tinggal di ***"),
    ("wa 6281234567890, profil Siti A.", "wa ***, profil ***"),
    ("Petugas sudah ke lokasi", "Petugas sudah ke lokasi"),
    (None, None),
])
def test_notes_lose_every_form_of_the_residents_identifiers(note: str | None, scrubbed: str | None) -> None:
    assert scrub(note, SECRETS) == scrubbed


def test_identifiers_too_short_to_search_for_are_left_alone() -> None:
    assert scrub("Jalan Ah rusak", ["Ah", ""]) == "Jalan Ah rusak"


@pytest.mark.parametrize(("now", "years", "cutoff"), [
    (datetime(2026, 12, 1, 3, tzinfo=UTC), 5, datetime(2021, 12, 1, 3, tzinfo=UTC)),
    (datetime(2028, 2, 29, 3, tzinfo=UTC), 5, datetime(2023, 2, 28, 3, tzinfo=UTC)),
])
def test_the_cutoff_is_calendar_years_back(now: datetime, years: int, cutoff: datetime) -> None:
    assert retention_cutoff(now, years) == cutoff
