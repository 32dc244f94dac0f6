"""The Telegram channel: shared translation, ordering and sending; one package per library (ptb, aiogram)."""
