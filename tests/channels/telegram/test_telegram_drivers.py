"""Both Telegram drivers behave the same: equal rows for the same report, one resident's updates in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from live_telegram import TOKEN, LiveTelegram
from sqlmodel import Session, select

from bot.simulator import BotApiSimulator
from bot.telegram.driver import DRIVERS, DriverName
from helpers import jpeg
from storage.db import make_engine, upgrade
from storage.models import Complaint, Photo, Reporter, StatusChange

DESCRIPTION = "Saluran air di Jl. Kenanga tersumbat sampah, setiap hujan rumah warga kebanjiran."
VOLATILE = {"id", "code", "reporter_id", "complaint_id", "path", "created_at", "updated_at", "consent_at",
            "last_inbound_at"}


def _row(model: Any) -> dict[str, Any]:
    return {k: v for k, v in model.model_dump().items() if k not in VOLATILE}


async def _scripted_report(driver: DriverName, folder: Path) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(f"sqlite:///{folder / 'aduan.db'}")
    upgrade(engine)
    async with BotApiSimulator(TOKEN) as sim:
        live = LiveTelegram(sim, engine, folder / "media", driver)
        await live.start()
        try:
            user = sim.user(701, first_name="Dewi", last_name="Lestari", language_code="id")
            await user.send_text("/lapor")
            await user.replies()
            await user.press("consent:yes")
            await user.replies()
            await user.send_album([jpeg(800, 600), jpeg(640, 480, color=(10, 200, 30))], caption=DESCRIPTION)
            await user.replies()
            await user.send_venue(-6.2, 106.8, "Gang Kenanga", "RT 02/RW 07")
            await user.replies()
            await user.press("name:profile")
            await user.replies()
            await user.press("submit")
            await user.replies()
        finally:
            await live.stop()
    with Session(engine) as session:
        rows = {model.__name__: [_row(r) for r in session.exec(select(model))]
                for model in (Complaint, Photo, StatusChange, Reporter)}
    engine.dispose()
    return rows


async def test_the_same_report_gives_equal_rows_with_either_driver(tmp_path: Path) -> None:
    results = []
    for driver in DRIVERS:
        (tmp_path / driver).mkdir()
        results.append(await _scripted_report(driver, tmp_path / driver))
    ptb, aiogram = results
    assert len(ptb["Complaint"]) == 1 and len(ptb["Photo"]) == 2
    assert ptb["Complaint"][0]["address"] == "Gang Kenanga, RT 02/RW 07"
    assert ptb == aiogram


async def test_a_residents_quick_updates_are_answered_in_order(live: LiveTelegram) -> None:
    user = live.sim.user(702, first_name="Budi", language_code="en")
    await user.send_text("/start")
    await user.replies()
    await user.press("consent:yes")
    [thanks_and_question] = await user.replies()  # one message: the thanks lead the first question
    text = thanks_and_question.text or ""
    assert text.startswith("Thank you. Let's write your report.\n\nWhat is your name?")
    # Sent at once, without waiting: the press, the address and the photo must be taken in this order.
    await user.press("name:profile")
    await user.send_text("Jl. Melati No. 4, RT 01/RW 02, Cipete")
    await user.send_photo(jpeg(), caption=DESCRIPTION)
    asked_address, asked_photo, summary = await user.replies(3)
    assert asked_address.keyboard[0][0]["request_location"] is True
    assert "photo" in (asked_photo.text or "").lower()
    assert "Name: Budi" in (summary.text or "") and "Jl. Melati" in (summary.text or "")


async def test_a_pressed_button_is_answered_and_the_reply_follows_without_an_edit(live: LiveTelegram) -> None:
    user = live.sim.user(703, first_name="Sari", language_code="id")
    await user.send_text("/start")
    await user.replies()
    await user.press("consent:yes")
    [question] = await user.replies()
    assert "nama" in (question.text or "").lower()
    methods = [call.method for call in live.sim.calls]
    assert methods.count("answerCallbackQuery") == 1  # the button's spinner stops
    assert "editMessageReplyMarkup" not in methods  # one call less per press; the next question follows


async def test_a_reply_refused_by_flood_control_goes_out_after_the_wait(live: LiveTelegram) -> None:
    user = live.sim.user(702, first_name="Dewi", language_code="id")
    live.sim.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 1",
                       retry_after=1)
    await user.send_text("/start")
    [notice] = await user.replies()
    assert "UU PDP" in (notice.text or "")
    refused, sent = live.sim.calls_to("sendMessage")
    assert sent.time - refused.time >= 1.0


async def test_a_resident_who_blocked_the_bot_does_not_stop_the_others(live: LiveTelegram) -> None:
    gone, other = live.sim.user(703, language_code="id"), live.sim.user(704, language_code="id")
    live.sim.fail_next("sendMessage", error_code=403, description="Forbidden: bot was blocked by the user",
                       chat_id=703)
    await gone.send_text("/start")
    await other.send_text("/start")
    [notice] = await other.replies()
    assert "UU PDP" in (notice.text or "")
    assert [m.chat_id for m in live.sim.sent] == [704]
