"""Typed answers for channels without buttons: numbers, labels and keywords in either language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from handlers.messages import Inbound

# Words that pick a choice whatever language the labels are in (labels themselves match too).
SYNONYMS: dict[str, frozenset[str]] = {
    "consent:yes": frozenset({"ya", "yes", "y", "setuju", "agree", "ok", "oke"}),
    "consent:no": frozenset({"tidak", "no", "n", "tidak setuju", "disagree"}),
    "submit": frozenset({"ya", "yes", "y", "kirim", "submit", "ok", "oke"}),
    "cancel": frozenset({"batal", "cancel"}),
    "cancel:yes": frozenset({"ya", "yes", "y", "batal", "batalkan", "cancel", "hapus"}),
    "edit:keep": frozenset({"tetap", "keep", "biarkan", "selesai", "done", "lanjut", "kirim", "submit",
                            "kembali", "back", "ok", "oke"}),
    "desc:replace": frozenset({"ganti", "replace"}),
    "desc:add": frozenset({"tambah", "tambahkan", "add"}),
    "desc:keep": frozenset({"abaikan", "ignore", "tidak", "no"}),
    "add:new": frozenset({"baru", "new", "laporan baru", "new report", "lapor", "report"}),
    "draft:continue": frozenset({"lanjut", "lanjutkan", "continue"}),
    "draft:restart": frozenset({"ulang", "mulai ulang", "restart", "start over"}),
    "menu:report": frozenset({"lapor", "report", "buat laporan", "make a report"}),
    "lang:id": frozenset({"id", "indonesia", "bahasa indonesia", "indonesian"}),
    "lang:en": frozenset({"en", "english", "inggris", "bahasa inggris"}),
    "erase:yes": frozenset({"hapus", "hapus semua", "erase", "erase everything", "delete"}),
    "erase:no": frozenset({"simpan", "jangan", "keep", "tidak", "no"}),
}
# Whole-message keywords that stand for a command where there are no slash commands (WhatsApp).
KEYWORDS = {
    "lapor": "lapor", "report": "report", "status": "status", "cek": "cek",
    "batal": "batal", "cancel": "cancel", "bahasa": "bahasa", "language": "language",
    "bantuan": "bantuan", "help": "help", "menu": "start", "mulai": "mulai", "start": "start",
    "stop": "stop", "berhenti": "berhenti", "tambah": "tambah", "add": "add",
    "dataku": "dataku", "mydata": "mydata", "hapusdata": "hapusdata", "deletedata": "deletedata",
    "tarikpersetujuan": "tarikpersetujuan", "withdraw": "withdraw", "ubah": "ubah", "correct": "correct",
}
# Keywords that take one word after them: STATUS ADU-7K3M9Q, BAHASA EN.
WITH_ARGUMENT = {"status", "cek", "bahasa", "language", "ubah", "correct", "tambah", "add"}


def normalize(text: str) -> str:
    """`text` without emoji, punctuation, case or extra spaces, for comparing answers."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in text)
    return " ".join(kept.casefold().split())


def resolve_choice(msg: Inbound, offered: list[list[str]]) -> Inbound:
    """`msg` as the offered choice its text names (by number, label or synonym), else unchanged."""
    if msg.text is None or msg.attachments or msg.command or not offered:
        return msg
    typed = normalize(msg.text)
    if not typed:
        return msg
    for index, (data, label) in enumerate(offered, start=1):
        if typed == str(index) or typed == normalize(label):
            return replace(msg, text=None, choice=data)
    for data, _label in offered:
        if typed in SYNONYMS.get(data, ()):
            return replace(msg, text=None, choice=data)
    return msg


_KEYWORD = re.compile(r"^/?([^\W\d_]+)(?:\s+(\S+))?\s*$")


def keyword_command(text: str | None) -> tuple[str, str] | None:
    """The command and argument a whole-message keyword stands for (`LAPOR`, `status ADU-1`)."""
    match = _KEYWORD.match((text or "").strip())
    if match is None:
        return None
    word, argument = match.group(1).casefold(), match.group(2) or ""
    command = KEYWORDS.get(word)
    if command is None or (argument and word not in WITH_ARGUMENT):
        return None
    return command, argument
