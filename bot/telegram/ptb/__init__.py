"""The Telegram driver on python-telegram-bot 22: its application, networking and outbox sender."""
