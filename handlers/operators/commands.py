"""Which command or button is an operator's, and where it goes."""

from __future__ import annotations

from handlers.i18n import _
from handlers.messages import Inbound, Reply
from handlers.operators import actions, desk, extras, queue, relay, search, stats
from handlers.operators.views import details, hidden_from, lookup
from handlers.turn import Turn
from storage.access_log import FULL, record_access
from storage.complaints import photos_of
from storage.models import Operator
from storage.operators import redeem_invite

# Indonesian first, English aliases; to anyone who is not an operator these are unknown commands.
COMMANDS = {
    "antrian": "queue", "queue": "queue",
    "lihat": "show", "show": "show",
    "verifikasi": "verify", "verify": "verify",
    "proses": "progress", "progress": "progress",
    "butuhinfo": "needinfo", "needinfo": "needinfo",
    "selesai": "resolve", "resolve": "resolve",
    "arsip": "archive", "archive": "archive",
    "buka": "reopen", "reopen": "reopen",
    "kategori": "category", "category": "category",
    "balas": "reply", "reply": "reply",
    "statistik": "stats", "stats": "stats",
    "ambil": "take", "take": "take",
    "lepas": "release", "release": "release",
    "catatan": "note", "note": "note",
    "cari": "search", "search": "search",
}
JOIN = {"join", "gabung"}
CHOICES = {"opq", "opv", "opa", "ops", "opf"}
DESK = {"take": desk.take, "release": desk.release, "note": desk.note}
# What only reads: the engine computes these before the turn's write transaction (see handlers/engine).
# /lihat is not one: it records the access to personal data, which must commit with the view (one indexed
# complaint read, fast at any volume).
VIEWS = {"queue", "stats"}
PAGES = "opq"


def is_view(msg: Inbound) -> bool:
    """Whether the message asks for a read-only view (if its sender turns out to be an operator)."""
    if msg.command is not None:
        return COMMANDS.get(msg.command.lower()) in VIEWS
    return msg.choice is not None and msg.choice.partition(":")[0] == PAGES


def view(turn: Turn) -> list[Reply] | None:
    """The replies of a read-only view, or None when the sender is no operator or it is not one."""
    msg = turn.msg
    if not is_view(msg):
        return None
    operator = turn.operator
    if operator is None:
        return None
    if msg.command is not None:
        return command(turn, operator, COMMANDS[msg.command.lower()], msg.args)
    assert msg.choice is not None
    return choice(turn, operator, msg.choice)


def command(turn: Turn, operator: Operator, name: str, args: str) -> list[Reply]:
    """Run an operator command."""
    if name == "queue":
        return [queue.queue(turn, operator, args.strip())]
    if name in DESK:
        return DESK[name](turn, operator, args)
    if name == "search":
        return search.search(turn, operator, args)
    if name == "show":
        return show(turn, operator, args.strip())
    if name == "reply":
        return relay.to_reporter(turn, operator, args)
    if name == "stats":
        return stats.stats(turn, operator, args)
    return actions.act(turn, operator, name, args)


def show(turn: Turn, operator: Operator, code: str) -> list[Reply]:
    """Every field, the photos, a map link and the full history of one complaint."""
    if not code:
        return [Reply(_("Usage: /lihat CODE"))]
    found = lookup(turn, operator, code)
    if isinstance(found, str):
        return [Reply(found)]
    assert found.id is not None
    photos = [Reply(f"{found.code} · {n}/{len(rows)}", photo_path=str(turn.media.full_path(p.path)))
              for rows in [photos_of(turn.session, complaint_id=found.id)] for n, p in enumerate(rows, 1)]
    shown = [kind for kind in FULL if kind not in hidden_from(operator, found)]
    record_access(turn.session, complaint_ids=[found.id], actor=f"operator:{operator.id}", action="show",
                  data=shown, now=turn.now)
    support, support_photos = extras.supporting(turn, operator, found)
    text = details(turn, operator, found) + ("\n" + "\n".join(support) if support else "")
    return [Reply(text), *photos, *support_photos]


def choice(turn: Turn, operator: Operator, data: str) -> list[Reply]:
    """An operator's button press."""
    kind, _sep, value = data.partition(":")
    if kind == "opq":
        wanted, _sep, page = value.rpartition(":")
        return [queue.queue(turn, operator, wanted, int(page or 0))]
    if kind == "opf":
        return search.page(turn, operator, int(value or 0))
    return actions.choice(turn, operator, kind, value)


def join(turn: Turn, code: str) -> list[Reply]:
    """`/join CODE`: become an operator with a one-time invite."""
    if not code.strip():
        return [Reply(_("Usage: /join CODE (the invite code you were given)"))]
    operator = redeem_invite(turn.session, code=code, external_id=turn.msg.user_id,
                             name=turn.msg.profile_name or turn.msg.user_id, now=turn.now,
                             channel=turn.msg.channel)
    if operator is None:
        return [Reply(_("That invite code is unknown, used or expired. Ask the admin desk for a new one."))]
    # The meta asks the Telegram driver to show the operators' commands in this chat's menu.
    return [Reply(_("Welcome, {name}: you are now an operator. Start with /antrian; /bantuan lists "
                    "every operator command.").format(name=operator.name), meta={"menu": "operator"})]
