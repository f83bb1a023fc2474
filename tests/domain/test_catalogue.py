"""The message catalogue: every string a person reads has Chinese, one term per meaning.

* every msgid ``pybabel extract`` finds in the package has a zh_CN translation;
* no msgid has two translations without a context (the .po, and any zh_CN dict module a
  branch still brings, which ``tools/dicts_to_po.py`` must carry over);
* no f-string reaches the user without ``_()`` (an AST check of the places text is shown);
* the compiled .mo shipped in the package is the .po compiled;
* Chinese text uses Chinese punctuation and keeps every placeholder.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from seatdesk.domain.i18n import (
    N_,
    _,
    code,
    has_translation,
    ngettext,
    pgettext,
    render,
    set_language,
    translate,
)
from tools.catalogue import MO, PO, compiled, extract, read_catalogue
from tools.dicts_to_po import chinese_punctuation, dict_modules, msgid_of, read_dict

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "seatdesk"


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue()


@pytest.fixture(scope="module")
def extracted():
    return extract()


def _key(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context + '|' if message.context else ''}{msgid!r}"


def test_every_extracted_msgid_has_chinese(catalogue, extracted):
    missing = []
    for m in extracted:
        if not m.id:
            continue
        entry = catalogue.get(m.id, context=m.context)
        if entry is None or not entry.string or entry.fuzzy or (
                isinstance(entry.string, tuple) and not all(entry.string)):
            where = ", ".join(f"{p}:{n}" for p, n in m.locations[:2])
            missing.append(f"{where}: {_key(m)}")
    assert not missing, ("no Chinese for these msgids (python tools/catalogue.py update, "
                         "then translate in the .po):\n" + "\n".join(missing))


def test_the_shipped_mo_is_the_po_compiled(catalogue):
    assert MO.exists(), f"{MO} is missing: python tools/catalogue.py compile"
    assert MO.read_bytes() == compiled(catalogue), (
        "the .mo is stale: python tools/catalogue.py compile")


def test_no_msgid_has_two_entries_without_a_context():
    # read_po would quietly keep one of two duplicates; read the file itself.
    seen: dict[tuple[str, str], int] = {}
    dupes = []
    context, lines = "", PO.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if line.startswith("msgctxt "):
            context = line
        elif line.startswith("msgid ") and line != 'msgid ""':
            key = (context, line)
            if key in seen:
                dupes.append(f"line {n} repeats line {seen[key]}: {context} {line}")
            seen[key] = n
            context = ""
    assert not dupes, "\n".join(dupes)


def test_no_dict_module_is_left_unmerged(catalogue):
    """A branch that still adds zh_CN/<area>.py entries: carry them into the .po first."""
    disagree, leftover = [], []
    by_msgid: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for path in dict_modules():
        leftover.append(path.name)
        for key, text in read_dict(path).items():
            context, msgid = msgid_of(key)
            text = chinese_punctuation(text)
            by_msgid[(context, msgid)].add(text)
            entry = catalogue.get(msgid, context=context)
            if entry is not None and entry.string and entry.string != text:
                disagree.append(f"{path.name}: {msgid!r} is {text!r} there, "
                                f"{entry.string!r} in the .po")
    twice = [f"{k[1]!r}: {sorted(v)}" for k, v in by_msgid.items() if len(v) > 1]
    assert not (leftover or disagree or twice), (
        "run python tools/dicts_to_po.py --delete, and settle by docs/glossary.md (or a "
        "pgettext context) each id with two translations:\n"
        + "\n".join(twice + disagree) + f"\nleft: {leftover}")


def test_placeholders_survive_translation(catalogue):
    wrong = []
    for m in catalogue:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = set(re.findall(r"\{(\w*)", ids[-1]))
        for s in strings:
            if set(re.findall(r"\{(\w*)", s)) != want:
                wrong.append(f"{_key(m)} -> {s!r}")
    assert not wrong, "\n".join(wrong)


def test_chinese_text_uses_chinese_punctuation(catalogue):
    ascii_marks = []
    for m in catalogue:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            if m.id and s and chinese_punctuation(s) != s:
                ascii_marks.append(f"{_key(m)}: {s!r} should read {chinese_punctuation(s)!r}")
    assert not ascii_marks, "\n".join(ascii_marks)


def test_chinese_punctuation_leaves_placeholders_times_and_numbers():
    assert chinese_punctuation("您好,XX公司,有什么可以帮您?") == "您好，XX公司，有什么可以帮您？"
    assert chinese_punctuation("今日已处理:{n}") == "今日已处理：{n}"
    assert chinese_punctuation("于 {at:%H:%M}(09:30)") == "于 {at:%H:%M}（09:30）"
    assert chinese_punctuation("no Chinese: left, as is") == "no Chinese: left, as is"
    assert chinese_punctuation("格式 HH:MM=来电量,如 09:30") == "格式 HH:MM=来电量，如 09:30"
    assert chinese_punctuation("表头 interval,calls") == "表头 interval,calls"
    assert chinese_punctuation("Erlang C:{sl} 的来电") == "Erlang C：{sl} 的来电"


# ---- the AST check: strings shown to a person without _() --------------------------------

# Where text reaches a person: callee name -> positional arguments shown (None: all) and the
# keyword arguments shown.
SINKS: dict[str, tuple[tuple[int, ...] | None, tuple[str, ...]]] = {
    "notify": ((0,), ("title", "message")), "echo": ((0,), ("message",)),
    "secho": ((0,), ("message",)), "Static": ((0,), ()), "Label": ((0,), ()),
    "Button": ((0,), ("label",)), "Checkbox": ((0,), ("label",)), "update": ((0,), ()),
    "SystemCommand": ((0, 1), ()), "Binding": ((2,), ("description", "tooltip")),
    "add_row": (None, ("label",)), "add_column": ((0,), ()), "add_columns": (None, ()),
    "TextPrompt": ((0,), ()), "Option": ((0,), ()),
    "ClickException": ((0,), ()), "UsageError": ((0,), ()), "BadParameter": ((0,), ()),
    "Input": ((), ("placeholder", "tooltip")),
}
SHOWN_ATTRIBUTES = {"border_title", "border_subtitle", "title", "sub_title", "tooltip"}
BUILTIN_ERRORS = {"TypeError", "KeyError", "IndexError", "AssertionError", "RuntimeError",
                  "NotImplementedError", "AttributeError", "OSError", "LookupError"}
# ValueErrors that are programming errors, never shown (the CLI shows the others).
INTERNAL_VALUE_ERRORS = {
    "seatdesk/domain/callback_rules.py", "seatdesk/domain/i18n.py",
    "seatdesk/domain/kpi.py", "seatdesk/domain/qa/periods.py", "seatdesk/domain/qa/scoring.py",
    "seatdesk/domain/roster/forecast.py", "seatdesk/exchange/seed.py",
    "seatdesk/services/reports_sql.py", "seatdesk/services/settings.py",
    "seatdesk/domain/staffing/erlang.py",  # cli/staffing.py checks its options first
    "seatdesk/data/changes.py", "seatdesk/data/models/base.py", "seatdesk/domain/clock.py",
}
# ... and single ones in files whose other ValueErrors are shown.
INTERNAL_VALUE_MESSAGES = {
    "grid, required and scheduled must have one value per interval",
    "start must be an aware datetime",
}


def _callee(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _has_letters(node: ast.expr) -> bool:
    """English shown as is: an f-string whose literal parts hold any ASCII letter (words,
    units), or a plain string with a word in it (two letters or more) not passed to _()."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and re.search(r"[A-Za-z]", str(v.value))
                   for v in node.values)
    return isinstance(node, ast.Constant) and isinstance(node.value, str) \
        and re.search(r"[A-Za-z]{2,}", node.value) is not None


def untranslated_fstrings(path: Path) -> list[str]:
    """Places in ``path`` where an f-string with English in it is shown without ``_()``."""
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = _callee(node)
            if name in {"_", "pgettext", "ngettext", "N_", "NC_", "translate"}:
                found += [f"{rel}:{a.lineno}: {name}() of an f-string cannot be extracted"
                          for a in node.args if isinstance(a, ast.JoinedStr)]
                continue
            if name in SINKS:
                positions, keywords = SINKS[name]
            elif (name.endswith(("Error", "Exception")) or name in {
                    "InvalidInput", "NotFound", "Conflict", "InvalidTransition",
                    "PermissionDenied", "LoginFailed", "DatabaseUnavailable"}) \
                    and name not in BUILTIN_ERRORS \
                    and not (name == "ValueError" and (rel in INTERNAL_VALUE_ERRORS or (
                        node.args and isinstance(node.args[0], ast.Constant)
                        and node.args[0].value in INTERNAL_VALUE_MESSAGES))):
                positions, keywords = (0,), ()
            else:
                continue
            shown = [a for i, a in enumerate(node.args) if positions is None or i in positions]
            shown += [k.value for k in node.keywords if k.arg in keywords]
            found += [f"{rel}:{a.lineno}: {'f-' if isinstance(a, ast.JoinedStr) else ''}"
                      f"string shown by {name}() without _()"
                      for a in shown if _has_letters(a)]
        elif isinstance(node, ast.Assign) and _has_letters(node.value):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in SHOWN_ATTRIBUTES:
                    found.append(f"{rel}:{node.lineno}: f-string set as .{target.attr}")
    return found


SOURCES = sorted(p for p in PACKAGE.rglob("*.py")
                 if "migrations" not in p.parts and "locale" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_fstring_reaches_the_user_without_gettext(path):
    found = untranslated_fstrings(path)
    assert not found, "\n".join(found)


def test_the_ast_check_catches_what_it_should(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f(n, echo, InvalidInput, _):\n"
        "    echo(f'{n} rows written')\n"
        "    raise InvalidInput(f'no call #{n}')\n"
        "    self.border_title = f'Queue ({n})'\n"
        "    _(f'{n} calls')\n"
        "    echo(f'{n}')\n"
        "    echo(_('{n} rows').format(n=n))\n"
        "    Binding('f2', 'take', 'Take call')\n"
        "    Binding('f2', 'take', N_('Take call'))\n"
        "    echo('#')\n")
    found = untranslated_fstrings(probe)
    assert sorted(line.split(":")[1] for line in found) == ["2", "3", "4", "5", "8"], found


# ---- plurals: a count before an English plural goes through ngettext -----------------------

# "{n} days", "{n} calls": the English plural is wrong for 1 ("in 1 days"). Units ("{n} s",
# "{n} min") have no plural.
COUNTED_PLURAL = re.compile(
    r"\{(?:n|m|k|b|c|u|count|days|length|notes)(?::[^}]*)?\}\s(?:[a-z-]+\s)?"
    r"(?!(?:is|was|has|does|min|ms|s|h|characters)\b)[a-z]+s\b")
# ("too long ({n} characters, at most {max})" always counts more than one.)


def counted_plurals(path: Path) -> list[str]:
    """``_()`` msgids that put a count before an English plural (ngettext's job)."""
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and _callee(node) in {"_", "N_", "pgettext"}:
            for a in node.args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str) \
                        and COUNTED_PLURAL.search(a.value):
                    found.append(f"{rel}:{a.lineno}: {a.value!r} needs ngettext")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_counts_use_ngettext(path):
    found = counted_plurals(path)
    assert not found, "\n".join(found)


def test_the_plural_check_catches_counts_not_units(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("_('in {n} days')\n_('{n} s')\n_('{n:.1f} min')\n"
                     "_('{n} callbacks overdue')\nngettext('{n} day', '{n} days', n)\n")
    assert [f.split(":")[1] for f in counted_plurals(probe)] == ["1", "4"]


# ---- the run-time API ---------------------------------------------------------------------

def test_a_service_error_is_chinese_on_a_chinese_desk():
    from seatdesk.domain.phone import PhoneNumberError, normalise

    set_language("zh")
    try:
        with pytest.raises(PhoneNumberError, match="含有字母"):
            normalise("138abc")
    finally:
        set_language("en")
    assert translate("name is required", "zh") == "姓名为必填项"


def test_one_english_word_two_chinese_terms_by_context():
    set_language("zh")
    try:
        assert pgettext("desk", "Queue") == "排队"
        assert _("Queue") == "队列"
        assert _("Notes") == "备注"
        assert _("refused") == "拒绝"
        assert pgettext("handover", "refused") == "已拒签"
        # a word with no entry of its own in a context reads as it does elsewhere
        assert pgettext("handover", "awaiting") == "待会签"
    finally:
        set_language("en")


def test_codes_read_as_words_in_english_and_chinese():
    codes = ["on_call", "on_hold", "wrap_up", "missed_call", "handed_over", "follow_up",
             "no_action", "after_call_work"]
    english = [_(c) for c in codes]
    assert english == ["on call", "on hold", "wrap-up", "missed call", "handed over",
                       "follow-up", "no action", "after-call work"]
    assert all(has_translation(c) for c in codes)
    assert [translate(c, "zh") for c in ("on_call", "wrap_up", "handed_over")] == [
        "通话中", "话后处理", "已转交"]


def test_english_plurals_follow_the_count():
    assert ngettext("in {n} day", "in {n} days", 1).format(n=1) == "in 1 day"
    assert ngettext("in {n} day", "in {n} days", 3).format(n=3) == "in 3 days"


def test_a_stored_message_reads_in_the_readers_language():
    stored = (N_("retry: {o}"), {"o": code("no_answer")})
    assert render(*stored, lang="en") == "retry: no answer"
    assert render(*stored, lang="zh") == "重拨：无人接听"
    assert render("retry: {o}", {}, lang="en") == "retry: {o}"  # a lost parameter shows
    assert render("retry: {o}", {"o": "no_answer"}, lang="zh") == "重拨：no_answer"  # as stored


def test_a_callback_one_day_late_reads_one_day_not_one_days():
    from datetime import UTC, datetime, timedelta

    from seatdesk.domain.duetime import until_text

    now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    assert until_text(now - timedelta(days=1, hours=2), now, "Asia/Shanghai") == "1 day overdue"
    assert until_text(now - timedelta(days=3), now, "Asia/Shanghai") == "3 days overdue"


# Words the glossary (docs/glossary.md) replaced: the catalogue must not bring them back.
NOT_THE_GLOSSARY = {"坐席": "座席", "处理记录": "备注", "移交": "转交", "业务类别": "类别"}


def test_the_catalogue_keeps_to_the_glossary(catalogue):
    wrong = []
    for m in catalogue:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for s in strings:
            for old, term in NOT_THE_GLOSSARY.items():
                if m.id and s and old in s:
                    wrong.append(f"{_key(m)}: {s!r} says {old}, the glossary {term}")
    assert not wrong, "\n".join(wrong)


def test_the_chinese_starter_scripts_use_chinese_punctuation():
    from seatdesk.exchange.default_scripts import default_scripts

    wrong = [(s["category"], step["text"]) for s in default_scripts() if s["lang"] == "zh"
             for step in s["steps"] if chinese_punctuation(step["text"]) != step["text"]]
    assert not wrong, wrong
