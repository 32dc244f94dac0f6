"""Text at the summary: which texts read as an address (and so update it) and which are more description."""

from __future__ import annotations

import pytest

from handlers.at_summary import reads_as_address


@pytest.mark.parametrize(("text", "expected"), [
    ("Jl. Merdeka No. 10, RT 03/RW 05, Cipete", True),
    ("Gang Melati 4, Kel. Cipete Utara", True),
    ("Jalan Diponegoro 21 Menteng", True),
    ("Perumahan Griya Asri Blok C2", True),
    ("Jalan berlubang besar di depan SDN 3, sudah dua motor jatuh.", False),
    ("Jalan Merdeka berlubang besar dan banjir setiap hujan", False),  # a problem on a named road
    ("tolong segera", False),
    ("Pak, ini tolong segera ditangani ya, sudah bahaya sekali bagi anak sekolah.", False),
])
def test_reads_as_address(text: str, expected: bool) -> None:
    assert reads_as_address(text) is expected
