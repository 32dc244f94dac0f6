"""Telegram webhook mode: the route, its side of the durable inbox, and the Bot API's webhook methods."""
