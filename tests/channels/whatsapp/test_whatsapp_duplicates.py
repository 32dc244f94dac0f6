"""Over WhatsApp the same problem nearby is offered as numbered choices: typing the number follows it."""

from __future__ import annotations

from live_whatsapp import LiveWhatsApp
from sqlmodel import Session, select

from helpers import jpeg
from storage.complaints import NewComplaint, file_complaint
from storage.models import Complaint, Reporter, utcnow
from storage.models_desk import ComplaintFollower, SupportingReport

PLACE = (-2.2096, 113.9108)


def open_complaint(whatsapp: LiveWhatsApp) -> str:
    engine = whatsapp.service.channel.conversations.engine
    with Session(engine) as session:
        neighbour = Reporter(channel="telegram", external_id="77", chat_id="77", locale="id")
        session.add(neighbour)
        session.commit()
        session.refresh(neighbour)
    with engine.begin() as connection:
        filed = file_complaint(connection, reporter=neighbour, prefix="ADU", now=utcnow(),
                               report=NewComplaint(
            name="Tetangga", address=None, latitude=PLACE[0] + 0.0003, longitude=PLACE[1],
            location_source="pin", description="Tumpukan sampah di pinggir jalan dekat taman belum diangkut.",
            category="waste", privacy="anonymous", photos=[]))
    return filed.code


async def test_a_resident_follows_the_same_problem_by_typing_its_number(whatsapp: LiveWhatsApp) -> None:
    code = open_complaint(whatsapp)
    await whatsapp.say("LAPOR")
    await whatsapp.say("ya")
    await whatsapp.photo(jpeg(), "Sampah menumpuk di pinggir jalan, seminggu belum diangkut")
    offer = await whatsapp.pin(*PLACE)
    assert f"{code} · Tumpukan sampah di pinggir jalan dekat… · 30 m" in offer
    assert f"*1.* ✅ Masalah yang sama: ikuti {code}" in offer and "*2.* ➡️ Masalah saya berbeda" in offer
    assert "Tetangga" not in offer
    following = await whatsapp.say("1")
    assert f"Anda sekarang mengikuti {code}" in following
    engine = whatsapp.service.channel.conversations.engine
    with Session(engine) as session:
        assert len(session.exec(select(Complaint)).all()) == 1
        [follower] = session.exec(select(ComplaintFollower)).all()
        [support] = session.exec(select(SupportingReport)).all()
        reporter = session.get(Reporter, follower.reporter_id)
    assert reporter is not None and reporter.channel == "whatsapp"
    assert support.name == "Siti Aminah" and len(support.photos) == 1
