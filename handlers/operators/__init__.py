"""Operators' commands and buttons: the admin desk and agencies handle complaints in the chat."""
