"""The Telegram channel on aiogram 3: translates updates and replies, nothing more."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence

from aiogram import Bot, Dispatcher, Router, methods
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    Message,
    Update,
)

from bot.telegram.aiogram.markup import to_markup
from bot.telegram.aiogram.sender import aiogram_sender
from bot.telegram.aiogram.session import ReplySession, results_unread
from bot.telegram.bridge import TelegramBridge
from bot.telegram.menu import (
    command_menu,
    former_operator_chats,
    operator_chats,
    operator_menu,
    wants_operator_menu,
)
from bot.telegram.replies import Blocked, RetryLater, send_replies
from bot.telegram.updates import CHANNEL, JSONDict, LibraryObject, to_inbound
from handlers.engine import Conversations
from handlers.media import MediaUnavailable
from handlers.messages import Attachment, Reply
from scheduler.pacing import Pacer
from scheduler.sending import Sender

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
WAIT_FOR_TURN = 24 * 3600.0
GROUP_CHATS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
# aiogram parametrises Response[...] on every call and pydantic keeps such classes only weakly, so after
# each garbage collection they were rebuilt (about 10 ms of schema building each). Holding them keeps them.
_RESPONSE_TYPES = tuple(Response[m.__returning__] for m in (  # type: ignore[name-defined]
    methods.GetUpdates, methods.SendMessage, methods.SendPhoto, methods.AnswerCallbackQuery,
    methods.EditMessageReplyMarkup, methods.GetFile, methods.SetMyCommands, methods.DeleteWebhook,
    methods.SendDocument))


async def _private_or_group_command(message: Message) -> bool:
    """Private chats take everything; operators also work in the admin desk's group, by command only."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    return message.chat.type in GROUP_CHATS and (message.text or "").startswith("/")


def build_bot(token: str, api_url: str) -> Bot:
    """A Bot talking to the Bot API server at `api_url` (its root URL)."""
    return Bot(token, session=ReplySession(api=TelegramAPIServer.from_base(api_url)))


class AiogramTelegram:
    """The aiogram driver: a Router whose handlers feed the shared bridge."""

    def __init__(self, bot: Bot, conversations: Conversations, *, album_wait: float) -> None:
        self.bot = bot
        self.conversations = conversations
        self.bridge = TelegramBridge(conversations, self.send, album_wait=album_wait)
        self.pacer: Pacer | None = None  # several instances: the bot's shared budget
        self.dispatcher: Dispatcher | None = None
        self._polling: asyncio.Task[None] | None = None
        conversations.add_channel(CHANNEL, self.fetch)

    def router(self) -> Router:
        """Aduan's intake as a Router to include in a Dispatcher (also someone else's, last)."""
        return self._register(Router(name="aduan"))

    def _register(self, router: Router) -> Router:
        # Filters are coroutines: aiogram runs a plain callable (a magic F filter too) in a worker thread.
        router.message.register(self.on_message, _private_or_group_command)
        router.callback_query.register(self.on_callback_query)
        return router

    async def on_message(self, message: Message, event_update: Update) -> None:
        """Translate one message update and hand it to the bridge."""
        translated = to_inbound(LibraryObject(event_update))
        if translated is not None:
            await self.bridge.receive(*translated)

    async def on_callback_query(self, query: CallbackQuery, event_update: Update) -> None:
        """Translate one pressed button and hand it to the bridge (the press is answered first)."""
        translated = to_inbound(LibraryObject(event_update))
        if translated is not None:
            await self.bridge.receive(*translated, acknowledge=lambda: self._close_query(query))

    async def _close_query(self, query: CallbackQuery) -> None:
        # Answering stops the button's spinner. The old keyboard stays (saving an edit per press): the reply
        # that follows asks the next thing, and the flows answer a stale press gracefully.
        try:
            with results_unread():
                await query.answer()
        except TelegramAPIError as exc:  # a stale or already-answered query must not stop the flow
            log.info("could not answer a callback query: %s", exc)

    async def fetch(self, attachment: Attachment) -> bytes:
        """Download a file through the Bot API file endpoint."""
        try:
            file = await self.bot.get_file(attachment.ref)
            assert file.file_path is not None
            data = await self.bot.download_file(file.file_path)
        except TelegramBadRequest as exc:
            raise MediaUnavailable("too_large" if "too big" in exc.message else "unavailable") from exc
        except (TelegramAPIError, AssertionError) as exc:
            raise MediaUnavailable() from exc
        assert data is not None
        return data.read()

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Send the replies in order (shared rules in bot.telegram.replies.send_replies)."""
        await send_replies(chat_id, list(replies), self._send_text, self._send_photo, self._send_document,
                           pacer=self.pacer)
        if wants_operator_menu(replies) and chat_id.isdigit():
            await self._operator_menu(int(chat_id), self.conversations.config.default_locale)

    async def _operator_menu(self, chat_id: int, locale: str) -> None:
        commands = [BotCommand(command=c, description=d) for c, d in operator_menu(locale)]
        await self.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=chat_id))

    async def _send_text(self, chat_id: str, text: str, markup: JSONDict | None) -> None:
        with results_unread():  # the Message sent is not needed
            await self._call(self.bot.send_message(chat_id=int(chat_id), text=text,
                                                   reply_markup=to_markup(markup)))

    async def _send_photo(self, chat_id: str, photo: bytes, caption: str | None,
                          markup: JSONDict | None) -> None:
        upload = BufferedInputFile(photo, "photo.jpg")
        await self._call(self.bot.send_photo(chat_id=int(chat_id), photo=upload, caption=caption,
                                             reply_markup=to_markup(markup)))

    async def _send_document(self, chat_id: str, data: bytes, name: str, caption: str | None) -> None:
        upload = BufferedInputFile(data, name)
        await self._call(self.bot.send_document(chat_id=int(chat_id), document=upload, caption=caption))

    @staticmethod
    async def _call(request: Awaitable[object]) -> None:
        try:
            await request
        except TelegramForbiddenError as exc:
            raise Blocked() from exc
        except TelegramRetryAfter as exc:
            raise RetryLater(float(exc.retry_after)) from exc

    async def register_commands(self) -> None:
        """Publish the command menu in Indonesian (default) and English."""
        scope = BotCommandScopeAllPrivateChats()
        for locale, language in (("id", None), ("en", "en")):
            commands = [BotCommand(command=c, description=d) for c, d in command_menu(locale)]
            await self.bot.set_my_commands(commands, scope=scope, language_code=language)
        # Operators see their commands in their own chats only.
        config = self.conversations.config
        for chat_id, locale in operator_chats(self.conversations.engine, config.default_locale):
            await self._operator_menu(chat_id, locale)
        for chat_id in former_operator_chats(self.conversations.engine):
            await self.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat_id))

    def sender(self) -> Sender:
        """The outbox sender that uses this driver's bot."""
        return aiogram_sender(self.bot)

    def parse(self, data: JSONDict) -> Update:
        """The update in aiogram's terms; ValueError when `data` is not one."""
        try:
            return Update.model_validate(data, context={"bot": self.bot})
        except Exception as exc:  # pydantic's ValidationError, or worse for odd input
            raise ValueError("not a Telegram update") from exc

    async def process(self, data: JSONDict) -> None:
        """Handle one update received by webhook (Dispatcher.feed_webhook_update), until its turn is done."""
        assert self.dispatcher is not None, "start(webhook=True) first"
        # The inbox answered Telegram already; wait for the turn however long it takes.
        await self.dispatcher.feed_webhook_update(self.bot, self.parse(data), _timeout=WAIT_FOR_TURN)

    async def start(self, *, webhook: bool = False) -> None:
        """Register the commands and start long polling in the background (or only the handlers)."""
        # Standalone, the handlers sit on the Dispatcher itself (one router level less per update), and
        # aiogram's FSM, which Aduan does not use (its state is in the database), is off.
        self.dispatcher = Dispatcher(disable_fsm=True)
        self._register(self.dispatcher)
        await self.register_commands()
        if webhook:
            return
        await self.bot.delete_webhook(drop_pending_updates=False)
        self._polling = asyncio.create_task(self.dispatcher.start_polling(
            self.bot, polling_timeout=10, handle_signals=False, close_bot_session=False,
            allowed_updates=ALLOWED_UPDATES))

    async def stop(self) -> None:
        """Stop polling, finish the updates under way and close the session."""
        if self.dispatcher is not None and self._polling is not None:
            with contextlib.suppress(RuntimeError):  # polling had not got going yet
                await self.dispatcher.stop_polling()
            self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None
        await self.bridge.drain()
        await self.bot.session.close()
