"""Timed work: the outbox dispatcher, status pushes, reminders and deadlines."""
