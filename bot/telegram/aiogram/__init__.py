"""The Telegram driver on aiogram 3: its router, session and outbox sender."""
