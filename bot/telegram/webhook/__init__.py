"""Telegram webhook mode: the route, the durable inbox behind it, and the Bot API's webhook methods."""
