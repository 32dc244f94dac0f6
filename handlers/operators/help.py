"""The operators' commands with one line each: their /bantuan and their command menu."""

from __future__ import annotations

from handlers.i18n import _
from handlers.messages import Reply
from handlers.operators.status_words import known_words


def operator_commands() -> list[tuple[str, str, str]]:
    """(command, its arguments, what it does) for every operator command, in the current language."""
    return [
        ("antrian", _("[status] [saya] [kelurahan]"), _("open complaints, most reported first, then oldest")),
        ("lihat", _("CODE"), _("every field, the photos and the history")),
        ("verifikasi", _("CODE [AGENCY] [note]"), _("verify and forward to an agency")),
        ("proses", _("CODE note"), _("in progress, with a note for the reporter")),
        ("butuhinfo", _("CODE question"), _("ask the reporter for information")),
        ("selesai", _("CODE note"), _("resolved, with what was done")),
        ("arsip", _("CODE reason"), _("archive (lacking data, not our authority, duplikat OTHER: its "
                                      "reporter then follows OTHER)")),
        ("buka", _("CODE"), _("reopen a resolved, closed or archived complaint")),
        ("kategori", _("CODE CATEGORY"), _("change the category")),
        ("balas", _("CODE text | CODE #KEY"), _("message the reporter, or send a canned reply")),
        ("ambil", _("CODE"), _("take a complaint: its reminders come to you first")),
        ("lepas", _("CODE"), _("hand a complaint back to the queue")),
        ("catatan", _("CODE text"), _("an internal note, never shown to the reporter")),
        ("cari", _("text"), _("find complaints by code, words or the reporter's name")),
        ("statistik", _("[2024 | 2024-08 | 30d | semua]"), _("figures for a period")),
        ("bantuan", "", _("this help")),
    ]


def operator_help() -> Reply:
    """/bantuan for an operator: the operator commands with one line each."""
    lines = [_("Operator commands:")]
    for name, args, what in operator_commands():
        lines.append(f"/{name} {args}".rstrip() + f": {what}")
    lines += ["", _("Statuses for /antrian: {words}.").format(words=known_words())]
    return Reply("\n".join(lines))
