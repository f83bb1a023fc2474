"""`seatdesk --lang zh ... --help`: every command's help in Chinese, English under en.

click fixes a command's help (docstring, ``help=``) when its module is imported; the help
is translated when shown (seatdesk.cli.help_text). Every command of the tree is asked
for its help in both languages in one process, each after the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from seatdesk.cli.help_text import translated_help
from seatdesk.cli.main import _load_commands, main
from seatdesk.domain.i18n import set_language


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


def _paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _paths(command, prefix + (name,))


def _every_command() -> list[tuple[tuple[str, ...], click.Command]]:
    _load_commands()
    return [((), main), *_paths(main)]


def _help(lang: str, *path: str) -> str:
    result = CliRunner().invoke(main, ["--lang", lang, *path, "--help"], prog_name="seatdesk")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _english_texts(command: click.Command) -> list[str]:
    """The English a command's help shows: its own text and each option's."""
    texts = [command.help or "", *(getattr(p, "help", None) or "" for p in command.params)]
    return [" ".join(t.split()) for t in texts if re.search(r"[A-Za-z]{3,}", t or "")]


# Words that stay Latin in Chinese help: names of things a user types or reads as they are.
LATIN = re.compile(
    r"--?[\w-]+|`[^`]*`|``[^`]*``|\S*[/.@]\S+|\[[^\]]*\|[^\]]*\]|\b[A-Z][A-Z0-9_*]+\b|"
    r"\bdemo_\w+|\bseatdesk\b|\bSQLite\b|\bErlang\b|\bHolt\b|\bbaresip\b|\bcron\b|"
    r"\bsndfile\b|\bctrl_tcp\b|\bmodule,device\b|\bgeneral\+vip\b|\b(?:zh|en|yue)\b|"
    r"\b(?:name|company|phone|email|grade|ignore|today|yesterday|transferred|xlsx|csv|json)\b|"
    r"\b(?:agent|team_lead|qa|supervisor|admin|table|day|week|month|interval|team|queue)\b|"
    r"\b(?:leave|swap|low|medium|high|answered|hung_up|toml|Usage|Options|Commands|s)\b|"
    r"'[^']*'|\b(?:interval|calls|aht)\b|"  # a value as typed; the forecast CSV's columns
    r"\bCtrl\+\w+|"  # a key, as printed on it
    r"\b\d+\w*\b")


# Not prose: the usage line, a default value or a choice of codes (all as typed).
AS_TYPED = re.compile(r"^\s*用法：.*$|\[默认：[^\]]*\]|\{[^}]*\|[^}]*\}", re.M)


def test_every_command_shows_its_help_in_chinese_and_in_english() -> None:
    untranslated, english = [], []
    commands = _every_command()
    names = {word for path, _c in commands for name in path for word in name.split("-")}
    for path, command in commands:
        set_language("en")  # (the staffing command's help is translated as it is read)
        texts = _english_texts(command)
        zh = _help("zh", *path)
        flat = " ".join(zh.split())
        untranslated += [f"{' '.join(path) or 'seatdesk'}: {t[:60]!r}"
                         for t in texts if t[:40] in flat]
        english += [f"{' '.join(path) or 'seatdesk'}: {w!r} in {line.strip()!r}"
                    for line in AS_TYPED.sub(" ", zh).splitlines()
                    for w in re.findall(r"[A-Za-z]{2,}", LATIN.sub(" ", line))
                    if w not in names]
        en = " ".join(_help("en", *path).split())
        assert all(t[:40] in en for t in texts), (path, en)
    assert not untranslated, "English help under --lang zh:\n" + "\n".join(untranslated)
    assert not english, "English words in Chinese help:\n" + "\n".join(english)


def test_top_level_and_nested_help_read_the_glossarys_words() -> None:
    top = _help("zh")
    assert "seatdesk：供呼叫中心座席、质检和座席班长使用的终端座席台。" in top
    assert "显示本帮助并退出。" in top and "Show this message" not in top
    assert re.search(r"roster\s+排班：", top), top
    nested = _help("zh", "roster", "request")
    assert "向座席班长申请某天休假，或与同事对调某天的班次。" in " ".join(nested.split())
    required = _help("zh", "user", "add")
    assert "[必填]" in required and "在界面上显示的全名。" in required
    assert "Full name as shown on screens." in _help("en", "user", "add")


def test_the_help_is_translated_where_shown_not_where_defined() -> None:
    set_language("zh")
    assert translated_help("List queues.") == "列出队列。"
    assert translated_help("  a text no catalogue has  ") == "  a text no catalogue has  "
    set_language("en")
    assert translated_help("List queues.") == "List queues."
