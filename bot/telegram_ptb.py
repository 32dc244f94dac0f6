"""The Telegram channel on python-telegram-bot 22: translates updates and replies, nothing more."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.telegram_common import CHANNEL, TelegramBridge, command_menu, to_inbound
from handlers.engine import Conversations
from handlers.media import MediaUnavailable
from handlers.messages import Attachment, Reply

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def to_markup(reply: Reply) -> Markup:
    """The Telegram keyboard for a reply's buttons or keyboard hints."""
    if reply.buttons:
        return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
                                     for row in reply.buttons])
    if reply.ask_location:
        return ReplyKeyboardMarkup([[KeyboardButton(reply.ask_location, request_location=True)]],
                                   resize_keyboard=True, one_time_keyboard=True)
    if reply.clear_keyboard:
        return ReplyKeyboardRemove()
    return None


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """`text` cut into Telegram-sized pieces, at line breaks where possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*pieces, text]


class PtbTelegram:
    """The python-telegram-bot driver: an Application whose handlers feed the shared bridge."""

    def __init__(self, application: Application, conversations: Conversations, *,  # type: ignore[type-arg]
                 album_wait: float) -> None:
        self.application = application
        self.bridge = TelegramBridge(conversations, self.send, album_wait=album_wait)
        conversations.add_channel(CHANNEL, self.fetch)

    def handlers(self) -> list[BaseHandler]:  # type: ignore[type-arg]
        """The handlers to add to an Application (also to someone else's existing bot)."""
        private = filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED
        group_commands = filters.ChatType.GROUPS & filters.COMMAND & ~filters.UpdateType.EDITED
        return [MessageHandler(private | group_commands, self.on_update),
                CallbackQueryHandler(self.on_update)]

    async def on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Translate one update and hand it to the bridge."""
        translated = to_inbound(update.to_dict())
        if translated is None:
            return
        msg, album = translated
        if update.callback_query is not None:
            await self._close_query(update)
        await self.bridge.receive(msg, album)

    async def _close_query(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None
        try:
            await query.answer()
            if isinstance(query.message, Message) and query.message.reply_markup is not None:
                await query.message.edit_reply_markup(reply_markup=None)
        except TelegramError as exc:  # a stale or already-answered query must not stop the flow
            log.info("could not close a callback query: %s", exc)

    async def fetch(self, attachment: Attachment) -> bytes:
        """Download a file through the Bot API file endpoint."""
        try:
            file = await self.application.bot.get_file(attachment.ref)
            return bytes(await file.download_as_bytearray())
        except BadRequest as exc:
            raise MediaUnavailable("too_large" if "too big" in exc.message else "unavailable") from exc
        except TelegramError as exc:
            raise MediaUnavailable() from exc

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Send the replies in order; a resident who blocked the bot is logged and skipped."""
        for reply in replies:
            markup = to_markup(reply)
            if reply.photo_path:
                try:
                    await self._send_photo(chat_id, reply, markup)
                except Forbidden:
                    log.info("chat %s blocked the bot; reply dropped", chat_id)
                    return
                continue
            pieces = split_text(reply.text)
            for index, piece in enumerate(pieces):
                last = index == len(pieces) - 1
                try:
                    await self._send_one(chat_id, piece, markup if last else None)
                except Forbidden:
                    log.info("chat %s blocked the bot; reply dropped", chat_id)
                    return

    async def _send_photo(self, chat_id: str, reply: Reply, markup: Markup) -> None:
        assert reply.photo_path is not None
        caption = reply.text[:MessageLimit.CAPTION_LENGTH] or None
        photo = await asyncio.to_thread(Path(reply.photo_path).read_bytes)
        await self.application.bot.send_photo(chat_id, photo, caption=caption, reply_markup=markup)

    async def _send_one(self, chat_id: str, text: str, markup: Markup) -> None:
        for _attempt in range(3):
            try:
                await self.application.bot.send_message(chat_id, text, reply_markup=markup)
                return
            except RetryAfter as exc:
                delay = exc.retry_after
                seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
                await asyncio.sleep(seconds)
        await self.application.bot.send_message(chat_id, text, reply_markup=markup)

    async def register_commands(self) -> None:
        """Publish the command menu in Indonesian (default) and English."""
        bot, scope = self.application.bot, BotCommandScopeAllPrivateChats()
        await bot.set_my_commands([BotCommand(c, d) for c, d in command_menu("id")], scope=scope)
        await bot.set_my_commands([BotCommand(c, d) for c, d in command_menu("en")], scope=scope,
                                  language_code="en")


def build_application(token: str, api_url: str) -> Application:  # type: ignore[type-arg]
    """An Application talking to the Bot API server at `api_url` (its root URL)."""
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .concurrent_updates(True)
        .job_queue(None)  # timed work belongs to scheduler/, whose truth lives in the database
        .build()
    )


async def start(driver: PtbTelegram) -> None:
    """Start the application and long polling (no pending update is dropped)."""
    app = driver.application
    driver.application.add_handlers(driver.handlers())
    await app.initialize()
    await driver.register_commands()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=10,
                                    allowed_updates=["message", "callback_query"])


async def stop(driver: PtbTelegram) -> None:
    """Stop polling, finish the updates under way and shut the application down."""
    app = driver.application
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    await driver.bridge.drain()
    if app.running:
        await app.stop()
    await app.shutdown()
