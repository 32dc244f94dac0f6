"""Issue 11 over Telegram (both drivers): each transcript seen by new users, replayed end to end."""

from __future__ import annotations

import re
from datetime import timedelta

from live_telegram import LiveTelegram, agree, file_report
from sqlmodel import Session, col, select
from storage_exif import gps_exif

from bot.simulator.user import SimUser
from helpers import jpeg
from storage.models import Complaint, ComplaintMessage, Conversation, Photo, Reporter

DESCRIPTION = "Jalan berlubang besar di depan SDN 3, sudah dua pengendara motor jatuh minggu ini."
ADDRESS = "Jl. Merdeka No. 10, RT 03/RW 05, Cipete"


def draft(live: LiveTelegram, user_id: int) -> dict[str, object]:
    """The unfinished report as stored for the resident."""
    with Session(live.engine) as session:
        reporter = session.exec(select(Reporter).where(Reporter.external_id == str(user_id))).one()
        conversation = session.exec(select(Conversation).where(Conversation.reporter_id == reporter.id)).one()
        return dict(conversation.data.get("draft") or {})


async def at_summary(user: SimUser, *, photos: int = 1) -> None:
    """A complete report waiting at the summary (photo with caption, pin, profile name)."""
    await agree(user)
    for n in range(photos):
        await user.send_photo(jpeg(color=(n * 50, 0, 0)), caption=DESCRIPTION if n == 0 else None)
        await user.replies()
    await user.send_location(-6.2884, 106.7179)
    await user.replies()
    await user.press("name:profile")
    [summary] = await user.replies()
    assert "periksa" in (summary.text or "") or "check" in (summary.text or "")


async def test_2_an_address_typed_at_the_summary_is_stored(live: LiveTelegram) -> None:
    user = live.sim.user(1102, first_name="Siti", language_code="id")
    await agree(user)
    await user.send_document(jpeg(exif=gps_exif(-6.2884, 106.7179)), "lubang.jpg", "image/jpeg",
                             caption=DESCRIPTION)
    await user.replies()
    await user.press("name:profile")
    [summary] = await user.replies()
    assert "dari foto" in (summary.text or "")
    await user.send_text(ADDRESS)
    [updated] = await user.replies()
    assert f"Alamat diperbarui: {ADDRESS}" in (updated.text or "") and "Kirim" in updated.button_labels[0]
    assert draft(live, 1102)["address"] == ADDRESS
    await user.send_text("Pak, ini tolong segera ditangani ya, sudah bahaya sekali bagi anak sekolah.")
    [question] = await user.replies()
    assert "ganti uraian" in " ".join(question.button_labels).lower()
    await user.press("desc:add")
    [summary] = await user.replies()
    assert "Ditambahkan ke uraian" in (summary.text or "")
    await user.send_text("Depan masjid Al-Ikhlas, Cipete Selatan, Jakarta")  # no usual address marks
    [question] = await user.replies()
    assert "📍 Ini alamatnya" in question.button_labels
    await user.press("desc:address")
    [summary] = await user.replies()
    assert "Alamat: Depan masjid Al-Ikhlas, Cipete Selatan, Jakarta" in (summary.text or "")
    await user.send_text(ADDRESS)
    await user.replies()
    await user.send_text("apa lagi?")
    [hint] = await user.replies()
    assert "tombol di bawah" in (hint.text or "")
    await user.press("submit")
    await user.replies()
    [complaint] = live.complaints()
    assert complaint.address == ADDRESS
    added = "Pak, ini tolong segera ditangani ya, sudah bahaya sekali bagi anak sekolah."
    assert complaint.description == f"{DESCRIPTION}\n{added}"


async def test_3_a_caption_on_a_new_photo_at_the_summary_is_offered(live: LiveTelegram) -> None:
    user = live.sim.user(1103, first_name="Siti", language_code="id")
    await at_summary(user)
    caption = "Sampah menumpuk di pinggir kali dekat pasar sejak Senin."
    await user.send_photo(jpeg(color=(9, 9, 9)), caption=caption)
    [question] = await user.replies()
    assert "Sampah menumpuk" in (question.text or "")
    assert draft(live, 1103)["description"] == DESCRIPTION  # nothing appended silently
    await user.press("desc:keep")
    [summary] = await user.replies()
    assert "2 foto" in (summary.text or "") and "Uraian tetap" in (summary.text or "")
    assert draft(live, 1103)["description"] == DESCRIPTION


async def test_5_editing_the_photos_always_has_a_way_out(live: LiveTelegram) -> None:
    user = live.sim.user(1105, first_name="Siti", language_code="en")
    await at_summary(user, photos=2)
    await user.press("✏️ Photos")
    [step] = await user.replies()
    assert step.button_labels == ["🗑 Remove photo 1", "🗑 Remove photo 2", "✅ Done"]
    await user.send_text("KIRIM")  # no longer a dead end: a keyword of "done"
    [summary] = await user.replies()
    assert "Photos: 2 photos" in (summary.text or "")
    await user.press("✏️ Photos")
    await user.replies()
    await user.send_text("what now?")
    [again] = await user.replies()
    assert "✅ Done" in again.button_labels
    await user.press("🗑 Remove photo 1")
    [removed] = await user.replies()
    assert "Photo 1 removed" in (removed.text or "")
    assert removed.button_labels == ["🗑 Remove photo 1", "✅ Done"]
    await user.press("✅ Done")
    [summary] = await user.replies()
    assert "Photos: 1 photo" in (summary.text or "")
    await user.press("✏️ Name")
    [name] = await user.replies()
    assert "↩️ Keep as it is" in name.button_labels and "Now: Siti" in (name.text or "")
    await user.press("↩️ Keep as it is")
    await user.replies()
    await user.press("✏️ Address")
    ask, keep = await user.replies(2)
    assert ask.keyboard[0][0]["request_location"] and keep.button_labels == ["↩️ Keep as it is"]
    await user.press("↩️ Keep as it is")
    cleared, summary = await user.replies(2)
    assert cleared.removes_keyboard and "-6.28840" in (summary.text or "")
    assert len(draft(live, 1105)["photos"]) == 1  # type: ignore[arg-type]


async def test_6_report_right_after_consent_is_not_unfinished(live: LiveTelegram) -> None:
    user = live.sim.user(1106, language_code="id")
    await agree(user)
    await user.send_text("/lapor")
    [reply] = await user.replies()
    assert "belum selesai" not in (reply.text or "") and "Siapa nama Anda" in (reply.text or "")


async def test_7_a_photo_after_filing_asks_where_it_belongs(live: LiveTelegram) -> None:
    user = live.sim.user(1107, first_name="Siti", language_code="id")
    code = await file_report(user, DESCRIPTION, jpeg())
    await user.send_photo(jpeg(color=(200, 10, 10), exif=gps_exif(-6.2, 106.8)),
                          caption="tambahan foto untuk laporan saya tadi")
    [question] = await user.replies()
    assert code in (question.text or "") and "📝 Laporan baru" in question.button_labels
    await user.press(f"add:{code}")
    [added] = await user.replies()
    assert f"Ditambahkan ke {code}" in (added.text or "")
    await user.send_text("Saya mau menambahkan informasi: lubangnya makin lebar setelah hujan.")
    await user.replies()
    await user.press(f"add:{code}")
    await user.replies()
    assert draft(live, 1107) == {}  # no new draft took the text as a name
    with Session(live.engine) as session:
        photos = session.exec(select(Photo).order_by(col(Photo.position))).all()
        texts = [m.text for m in session.exec(select(ComplaintMessage))]
    assert [p.position for p in photos] == [1, 2]
    stored = (live.media_dir / photos[1].path).read_bytes()
    assert b"Exif" not in stored[:200]  # stored like intake photos: no EXIF
    assert "lubangnya makin lebar" in texts[1] and texts[0].startswith("Informasi tambahan dari pelapor")
    await user.send_text(f"/tambah {code}")
    await user.replies()
    await user.send_text("Foto dari sisi lain menyusul.")
    [again] = await user.replies()
    assert code in (again.text or "")
    # Outside the window and with nothing open, a photo starts a new report again.
    with Session(live.engine) as session:
        complaint = session.exec(select(Complaint)).one()
        complaint.status = "closed"
        complaint.created_at -= timedelta(hours=73)
        session.add(complaint)
        session.commit()
    await user.send_photo(jpeg())
    [fresh] = await user.replies()
    assert "nama" in (fresh.text or "").lower()


async def test_7_several_open_reports_the_resident_picks(live: LiveTelegram) -> None:
    user = live.sim.user(1117, first_name="Siti", language_code="en")
    first = await file_report(user, DESCRIPTION, jpeg())
    await user.send_text("/report")
    await user.replies()
    await user.send_photo(jpeg(), caption="Lampu jalan di gang Melati mati sejak seminggu, gelap sekali.")
    await user.replies()
    await user.send_location(-6.2, 106.8)
    await user.replies()
    await user.press("name:last")
    await user.replies()
    await user.press("submit")
    second = re.search(r"ADU-[0-9A-Z]{6}", (await user.replies())[0].text or "")
    assert second
    await user.send_text("The light was fixed by neighbours temporarily, but it is flickering again.")
    [pick] = await user.replies()
    assert sorted(pick.button_labels[:2]) == sorted([f"➕ Add to {first}", f"➕ Add to {second.group(0)}"])
    await user.press(f"add:{first}")
    await user.replies()
    with Session(live.engine) as session:
        [message] = session.exec(select(ComplaintMessage)).all()
        assert session.get(Complaint, message.complaint_id).code == first  # type: ignore[union-attr]


async def test_11_status_with_an_open_draft_says_it_is_unfinished(live: LiveTelegram) -> None:
    user = live.sim.user(1111, language_code="en")
    await agree(user)
    await user.send_photo(jpeg())
    await user.replies()
    await user.send_text("/status")
    [reply] = await user.replies()
    assert "unfinished report" in (reply.text or "") and "/lapor" in (reply.text or "")
    assert "never" not in (reply.text or "") and "not filed any" not in (reply.text or "")


async def test_13_a_voice_note_gets_the_same_answer_in_any_state(live: LiveTelegram) -> None:
    user = live.sim.user(1113, language_code="en")
    await user.send_voice()
    [before] = await user.replies()
    await agree(user)
    await user.send_voice()
    [during] = await user.replies()
    for reply in (before, during):
        assert (reply.text or "").startswith("Voice messages cannot be part of a report yet; please type it.")


async def test_14_cancel_from_the_summary_asks_once(live: LiveTelegram) -> None:
    user = live.sim.user(1114, first_name="Siti", language_code="id")
    await at_summary(user, photos=3)
    await user.press("cancel")
    [question] = await user.replies()
    assert question.text == "Batalkan laporan ini? 3 foto akan dihapus."
    await user.press("draft:continue")
    await user.replies()
    assert len(draft(live, 1114)["photos"]) == 3  # type: ignore[arg-type]
    await user.press("cancel")
    await user.replies()
    await user.press("cancel:yes")
    [done] = await user.replies()
    assert "dibatalkan" in (done.text or "") and draft(live, 1114) == {}
    assert not list(live.media_dir.rglob("*.jpg"))


async def test_15_dates_carry_the_time_zone(live: LiveTelegram) -> None:
    user = live.sim.user(1115, first_name="Siti", language_code="id")
    code = await file_report(user, DESCRIPTION, jpeg())
    await user.send_text(f"/status {code}")
    [reply] = await user.replies()
    assert re.search(r"\d{2}:\d{2} WIB", reply.text or ""), reply.text
