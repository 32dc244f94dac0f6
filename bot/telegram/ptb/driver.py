"""The Telegram channel on python-telegram-bot 22: translates updates and replies, nothing more."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Update,
)
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

from bot.telegram.bridge import TelegramBridge
from bot.telegram.menu import (
    command_menu,
    former_operator_chats,
    operator_chats,
    operator_menu,
    wants_operator_menu,
)
from bot.telegram.ptb.markup import retry_seconds, to_markup
from bot.telegram.ptb.request import AiohttpRequest
from bot.telegram.ptb.sender import ptb_sender
from bot.telegram.replies import Blocked, RetryLater, send_replies
from bot.telegram.updates import CHANNEL, JSONDict, LibraryObject, to_inbound
from handlers.engine import Conversations
from handlers.media import MediaUnavailable
from handlers.messages import Attachment, Reply
from scheduler.pacing import Pacer
from scheduler.sending import Sender

log = logging.getLogger(__name__)

# Updates handled at once. On loopback fewer is faster (3 or 4 measured up to 20% more updates/s in
# bench/intake.py, 32 much less), but with real round trips of 100-250 ms per request, 8 in flight are
# what keeps up with Telegram's 30 messages/s.
CONCURRENT_UPDATES = 8


class PtbTelegram:
    """The python-telegram-bot driver: an Application whose handlers feed the shared bridge."""

    def __init__(self, application: Application, conversations: Conversations, *,  # type: ignore[type-arg]
                 album_wait: float) -> None:
        self.application = application
        self.conversations = conversations
        self.bridge = TelegramBridge(conversations, self.send, album_wait=album_wait)
        self.pacer: Pacer | None = None  # several instances: the bot's shared budget
        conversations.add_channel(CHANNEL, self.fetch)

    def handlers(self) -> list[BaseHandler]:  # type: ignore[type-arg]
        """The handlers to add to an Application (also to someone else's existing bot)."""
        private = filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED
        group_commands = filters.ChatType.GROUPS & filters.COMMAND & ~filters.UpdateType.EDITED
        return [MessageHandler(private | group_commands, self.on_update),
                CallbackQueryHandler(self.on_update)]

    async def on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Translate one update and hand it to the bridge."""
        translated = to_inbound(LibraryObject(update))
        if translated is None:
            return
        msg, album = translated
        query = update.callback_query
        await self.bridge.receive(msg, album, acknowledge=(lambda: self._close_query(update))
                                  if query is not None else None)

    async def _close_query(self, update: Update) -> None:
        # Answering stops the button's spinner. The old keyboard stays (saving an edit per press): the reply
        # that follows asks the next thing, and the flows answer a stale press gracefully.
        query = update.callback_query
        assert query is not None
        try:
            await query.answer()
        except TelegramError as exc:  # a stale or already-answered query must not stop the flow
            log.info("could not answer a callback query: %s", exc)

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
        """Send the replies in order (shared rules in bot.telegram.replies.send_replies)."""
        await send_replies(chat_id, list(replies), self._send_text, self._send_photo, self._send_document,
                           pacer=self.pacer)
        if wants_operator_menu(replies) and chat_id.isdigit():
            await self._operator_menu(int(chat_id), self.conversations.config.default_locale)

    async def _operator_menu(self, chat_id: int, locale: str) -> None:
        commands = [BotCommand(c, d) for c, d in operator_menu(locale)]
        await self.application.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))

    async def _send_text(self, chat_id: str, text: str, markup: JSONDict | None) -> None:
        await self._call(self.application.bot.send_message(chat_id, text, reply_markup=to_markup(markup)))

    async def _send_photo(self, chat_id: str, photo: bytes, caption: str | None,
                          markup: JSONDict | None) -> None:
        await self._call(self.application.bot.send_photo(chat_id, photo, caption=caption,
                                                         reply_markup=to_markup(markup)))

    async def _send_document(self, chat_id: str, data: bytes, name: str, caption: str | None) -> None:
        await self._call(self.application.bot.send_document(chat_id, data, filename=name, caption=caption))

    @staticmethod
    async def _call(request: Awaitable[object]) -> None:
        try:
            await request
        except Forbidden as exc:
            raise Blocked() from exc
        except RetryAfter as exc:
            raise RetryLater(retry_seconds(exc)) from exc

    async def register_commands(self) -> None:
        """Publish the command menu in Indonesian (default) and English."""
        bot, scope = self.application.bot, BotCommandScopeAllPrivateChats()
        await bot.set_my_commands([BotCommand(c, d) for c, d in command_menu("id")], scope=scope)
        await bot.set_my_commands([BotCommand(c, d) for c, d in command_menu("en")], scope=scope,
                                  language_code="en")
        # Operators see their commands in their own chats only.
        config = self.conversations.config
        for chat_id, locale in operator_chats(self.conversations.engine, config.default_locale):
            await self._operator_menu(chat_id, locale)
        for chat_id in former_operator_chats(self.conversations.engine):
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))

    def sender(self) -> Sender:
        """The outbox sender that uses this driver's bot."""
        return ptb_sender(self.application.bot)

    def parse(self, data: JSONDict) -> Update:
        """The update in python-telegram-bot's terms; ValueError when `data` is not one."""
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:  # the library raises whatever the malformed field makes it raise
            raise ValueError("not a Telegram update") from exc
        if update is None:
            raise ValueError("not a Telegram update")
        return update

    async def process(self, data: JSONDict) -> None:
        """Handle one update received by webhook (Application.process_update), until its turn is done."""
        await self.application.process_update(self.parse(data))

    async def start(self, *, webhook: bool = False) -> None:
        """Start the application and long polling (no pending update is dropped), or only the handlers."""
        app = self.application
        app.add_handlers(self.handlers())
        await app.initialize()
        await self.register_commands()
        await app.start()
        if webhook:
            return
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=10,
                                        allowed_updates=["message", "callback_query"])

    async def stop(self) -> None:
        """Stop polling, finish the updates under way and shut the application down."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        await self.bridge.drain()
        if app.running:
            await app.stop()
        await app.shutdown()


def build_application(token: str, api_url: str) -> Application:  # type: ignore[type-arg]
    """An Application talking to the Bot API server at `api_url` (its root URL)."""
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        # Residents run side by side (the bridge keeps each one's updates in order), a bounded number at
        # once; requests go through aiohttp (bot/telegram/ptb/request.py).
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(AiohttpRequest(pool_size=CONCURRENT_UPDATES + 4))
        .get_updates_request(AiohttpRequest(pool_size=1))
        .job_queue(None)  # timed work belongs to scheduler/, whose truth lives in the database
        .build()
    )
