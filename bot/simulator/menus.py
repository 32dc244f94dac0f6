"""The simulator's command menus: setMyCommands, getMyCommands and deleteMyCommands per scope and language."""

from __future__ import annotations

import json

from bot.simulator.objects import JSONDict, bad_request


class CommandMenus:
    """The command lists the bot registered, keyed by scope and language code."""

    def __init__(self) -> None:
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}

    @staticmethod
    def _commands_key(p: JSONDict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(p.get("language_code") or "")

    async def _set_my_commands(self, p: JSONDict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = str(command.get("command", ""))
            if not (1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_" for c in name)):
                raise bad_request("BOT_COMMAND_INVALID")
        self.commands[self._commands_key(p)] = commands
        return True

    async def _get_my_commands(self, p: JSONDict) -> list[JSONDict]:
        return self.commands.get(self._commands_key(p), [])

    async def _delete_my_commands(self, p: JSONDict) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True
