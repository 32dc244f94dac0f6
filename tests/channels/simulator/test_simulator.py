"""The fake Bot API server, driven by the real python-telegram-bot client over loopback."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
import warnings
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, EndPointNotFound, InvalidToken, RetryAfter

from bot.simulator import BotApiSimulator, format_transcript
from helpers import jpeg

TOKEN = "123456:SIM-test-token"


@pytest.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(TOKEN) as simulator:
        yield simulator


def make_bot(sim: BotApiSimulator, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=f"{sim.url}/bot", base_file_url=f"{sim.url}/file/bot")


@pytest.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    async with make_bot(sim) as client:
        yield client


def yes_no() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Ya", callback_data="consent:yes"),
          InlineKeyboardButton("Tidak", callback_data="consent:no")]]
    )


async def test_refuses_non_loopback_host() -> None:
    with pytest.raises(ValueError, match="loopback"):
        BotApiSimulator(TOKEN, host="0.0.0.0")


async def test_get_me(sim: BotApiSimulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "aduan_bot", True)
    assert sim.calls[0].method == "getMe"


async def test_wrong_token_is_invalid(sim: BotApiSimulator) -> None:
    with pytest.raises(InvalidToken):
        async with make_bot(sim, "999:wrong"):
            pass


async def test_unknown_method_is_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy")


async def test_send_message_records_inline_buttons(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5001)
    msg = await bot.send_message(user.id, "Setuju?", reply_markup=yes_no())
    assert msg.chat.id == user.id and msg.from_user is not None and msg.from_user.is_bot
    assert msg.reply_markup == yes_no()
    (reply,) = await user.replies()
    assert reply.method == "sendMessage" and reply.text == "Setuju?"
    assert reply.message_id == msg.message_id
    assert reply.buttons == [[("Ya", "consent:yes"), ("Tidak", "consent:no")]]
    second = await bot.send_message(user.id, "<b>Tiket</b> ADU-1 &amp; lainnya", parse_mode="HTML")
    assert second.message_id == msg.message_id + 1
    assert (await user.replies())[0].text == "Tiket ADU-1 & lainnya"
    assert user.last is not None and user.last.message_id == second.message_id


async def test_bad_html_and_oversized_callback_data_are_rejected(sim: BotApiSimulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1, "a <3 b", parse_mode="HTML")
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1, "hi", reply_markup=too_long)
    assert sim.sent == []


async def test_get_updates_parses_command_entity(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5002, "Siti", username="siti", language_code="id")
    sent = await user.send_text("/start@aduan_bot lapor")
    (update,) = await bot.get_updates()
    assert isinstance(update, Update) and update.update_id == sent["update_id"]
    assert update.message is not None and update.message.text == "/start@aduan_bot lapor"
    assert update.message.chat.id == user.id and update.message.chat.type == "private"
    assert update.effective_user is not None and update.effective_user.username == "siti"
    assert update.message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 16),)
    # Confirming with offset drops it, as Telegram does.
    assert await bot.get_updates(offset=update.update_id + 1) == ()
    assert sim.pending_updates == 0


async def test_long_poll_returns_when_update_arrives(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5003)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    await user.send_text("halo")
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["halo"]
    assert time.monotonic() - started < 5


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 5


async def test_photo_largest_size_downloads_original_bytes(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5004)
    original = jpeg(1280, 960, (10, 120, 200))
    await user.send_photo(original, caption="Jalan berlubang")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.caption == "Jalan berlubang"
    sizes = update.message.photo
    assert len(sizes) == 3 and len({s.file_id for s in sizes}) == 3
    assert [s.width for s in sizes] == sorted(s.width for s in sizes) and sizes[-1].width == 1280
    largest = await (await bot.get_file(sizes[-1].file_id)).download_as_bytearray()
    assert bytes(largest) == original
    smallest = await (await bot.get_file(sizes[0].file_id)).download_as_bytearray()
    assert bytes(smallest) != original and bytes(smallest[:2]) == b"\xff\xd8"


async def test_album_shares_media_group_with_caption_on_first(sim: BotApiSimulator, bot: Bot) -> None:
    await sim.user(5005).send_album([jpeg(), jpeg(color=(1, 2, 3))], caption="Dua foto")
    updates = await bot.get_updates()
    messages = [u.message for u in updates if u.message]
    assert len(messages) == 2 and messages[0].media_group_id == messages[1].media_group_id
    assert [m.caption for m in messages] == ["Dua foto", None]


async def test_too_big_and_unknown_files_are_refused(sim: BotApiSimulator, bot: Bot) -> None:
    big = sim.add_file(b"tiny", file_size=25 * 1024 * 1024)
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(big)
    with pytest.raises(BadRequest, match=r"(?i)wrong file_id"):
        await bot.get_file("no-such-file")


async def test_fail_next_429_raises_retry_after(sim: BotApiSimulator, bot: Bot) -> None:
    sim.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 7",
                  retry_after=7)
    # PTB 22 warns that RetryAfter.retry_after will become a timedelta.
    with warnings.catch_warnings(), pytest.raises(RetryAfter) as caught:
        warnings.simplefilter("ignore")
        await bot.send_message(1, "spam")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert caught.value.retry_after in (7, dtm.timedelta(seconds=7))
    await bot.send_message(1, "again")
    assert [m.text for m in sim.sent] == ["again"]
    assert len(sim.calls_to("sendmessage")) == 2


async def test_press_builds_callback_query(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5006)
    prompt = await bot.send_message(user.id, "Setuju?", reply_markup=yes_no())
    with pytest.raises(LookupError, match="consent:yes"):
        await user.press("Mungkin")
    await user.press("Tidak")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "consent:no" and query.from_user.id == user.id
    assert query.message is not None and query.message.message_id == prompt.message_id
    assert await bot.answer_callback_query(query.id, text="Oke")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)


async def test_edits_are_recorded_and_unchanged_edit_fails(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5007)
    msg = await bot.send_message(user.id, "Setuju?", reply_markup=yes_no())
    edited = await bot.edit_message_text("Terima kasih", chat_id=user.id, message_id=msg.message_id)
    assert not isinstance(edited, bool) and edited.reply_markup is None and edited.edit_date is not None
    first, edit = await user.replies(2, edits=True)
    assert (first.method, edit.method, edit.message_id) == ("sendMessage", "editMessageText", msg.message_id)
    assert edit.text == "Terima kasih" and edit.buttons == []
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("Terima kasih", chat_id=user.id, message_id=msg.message_id)
    with pytest.raises(LookupError):
        await user.press("Ya")  # the edit removed the keyboard
    assert await bot.delete_message(user.id, msg.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(user.id, msg.message_id)


async def test_reply_keyboard_tap_and_remove(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5008)
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("Kirim lokasi", request_location=True)], ["Batal"]])
    await bot.send_message(user.id, "Lokasinya?", reply_markup=keyboard)
    (ask,) = await user.replies()
    assert ask.keyboard == [[{"text": "Kirim lokasi", "request_location": True}],
                            [{"text": "Batal", "request_location": False}]]
    with pytest.raises(ValueError, match="send_location"):
        await user.tap_keyboard("Kirim lokasi")
    await user.tap_keyboard("Batal")
    await user.send_location(-6.2, 106.8)
    tapped, pinned = [u.message for u in await bot.get_updates() if u.message]
    assert tapped.text == "Batal" and pinned.location is not None
    assert pinned.location.latitude == pytest.approx(-6.2)
    await bot.send_message(user.id, "Dibatalkan", reply_markup=ReplyKeyboardRemove())
    (removed,) = await user.replies(edits=True)
    assert removed.removes_keyboard and user.keyboard == []


async def test_bot_uploads_photo_multipart(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5009)
    data = jpeg(320, 240)
    msg = await bot.send_photo(user.id, data, caption="Bukti")
    assert msg.caption == "Bukti" and len(msg.photo) == 3
    (sent,) = await user.replies()
    assert sent.method == "sendPhoto" and sent.text == "Bukti"
    assert sim.files[msg.photo[-1].file_id].data == data
    again = await bot.send_photo(user.id, msg.photo[-1].file_id)
    assert again.photo == msg.photo


async def test_replay_redelivers_same_update(sim: BotApiSimulator, bot: Bot) -> None:
    update = await sim.user(5010).send_text("halo")
    first = await bot.get_updates()
    await bot.get_updates(offset=first[-1].update_id + 1)
    await sim.replay(update)
    (again,) = await bot.get_updates(offset=first[-1].update_id + 1)
    assert again.update_id == update["update_id"] and again.message is not None
    assert await bot.get_updates(offset=first[-1].update_id + 1) == ()


async def test_replies_timeout_and_no_more_replies(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5011)
    await user.no_more_replies(0.05)
    await bot.send_message(user.id, "satu")
    with pytest.raises(TimeoutError, match="satu"):
        await user.replies(2, timeout=0.2)
    with pytest.raises(AssertionError, match="satu"):
        await user.no_more_replies(0.05)
    assert [m.text for m in await user.replies()] == ["satu"]
    await user.no_more_replies(0.05)


async def test_commands_per_scope_and_language(sim: BotApiSimulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("status", "Cek status")])
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
    await bot.set_my_commands([BotCommand("tugas", "Tugas")], scope=BotCommandScopeChat(42))
    assert [c.command for c in await bot.get_my_commands()] == ["start", "status"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(42))] == ["tugas"]
    assert await bot.delete_my_commands(language_code="en")
    assert await bot.get_my_commands(language_code="en") == ()


async def test_transcript_reads_like_the_chat(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5012, "Budi")
    await user.send_text("/start")
    await bot.send_message(user.id, "Halo Budi!\nSetuju?", reply_markup=yes_no())
    await user.press("Ya")
    await user.send_location(-6.2, 106.8)
    text = format_transcript(sim.transcript)
    assert text.splitlines() == [
        "Budi: /start",
        "Bot: Halo Budi!",
        "     Setuju?",
        "     [Ya] [Tidak]",
        "Budi: [pressed: Ya]",
        "Budi: [location -6.2,106.8]",
    ]


async def test_other_update_kinds_parse_in_ptb(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user(5013)
    await user.send_venue(-6.2, 106.8, "Pasar", "Jl. Raya 1")
    await user.send_document(b"%PDF-1.4", "surat.pdf", "application/pdf", caption="Surat")
    await user.send_sticker()
    await user.send_voice()
    await user.send_video()
    await user.send_contact("+628123", "Budi", user_id=user.id)
    messages = [u.message for u in await bot.get_updates() if u.message]
    venue, doc, sticker, voice, video, contact = messages
    assert venue.venue is not None and venue.location is not None and venue.venue.title == "Pasar"
    assert doc.document is not None and doc.document.file_name == "surat.pdf"
    file = await bot.get_file(doc.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4"
    assert sticker.sticker is not None and voice.voice is not None and video.video is not None
    assert contact.contact is not None and contact.contact.user_id == user.id


async def test_aiogram_multipart_upload(sim: BotApiSimulator) -> None:
    from aiogram import Bot as AiogramBot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import BufferedInputFile
    from aiogram.types import InlineKeyboardButton as AiogramButton
    from aiogram.types import InlineKeyboardMarkup as AiogramMarkup

    session = AiohttpSession(api=TelegramAPIServer.from_base(sim.url))
    client = AiogramBot(TOKEN, session=session)
    markup = AiogramMarkup(inline_keyboard=[[AiogramButton(text="Ya", callback_data="consent:yes")]])
    try:
        data = jpeg(200, 100)
        msg = await client.send_photo(7, BufferedInputFile(data, "p.jpg"), caption="Dari aiogram",
                                      reply_markup=markup)
        assert msg.caption == "Dari aiogram" and msg.photo is not None
        assert sim.files[msg.photo[-1].file_id].data == data
        assert sim.sent[-1].buttons == [[("Ya", "consent:yes")]]
    finally:
        await session.close()
