"""Carry the zh_CN dict modules (the old catalogue) into the gettext .po, merging.

Other branches still add entries to ``seatdesk/locale/zh_CN/<area>.py`` (``MESSAGES = {...}``)
until they are merged. After a merge, run::

    python tools/dicts_to_po.py            # add the dicts' new ids to the .po, compile the .mo
    python tools/dicts_to_po.py --delete   # ... and delete the dict modules afterwards

It never overwrites the .po: an id already there keeps its text, and a dict entry that
disagrees is listed (exit status 1) so a person decides, by docs/glossary.md, whether the
.po is right or the id needs a ``pgettext`` context. Codes (``on_call``) are carried over
as their English word from ``seatdesk.domain.vocabulary``. ASCII punctuation in the
Chinese text becomes Chinese punctuation (，。？：！（）；).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.catalogue import PO, compile_catalogue, read_catalogue, write_catalogue  # noqa: E402

DICTS = PO.parents[1]  # seatdesk/locale/zh_CN
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def chinese_punctuation(text: str) -> str:
    """ASCII ,;:?!() in Chinese text as their full-width forms.

    Left alone: placeholders (``{at:%H:%M}``), marks inside ASCII tokens (``09:30``,
    ``1,000``, ``postgresql://``),
    and text with no Chinese in it at all. The space after a converted mark goes, as
    Chinese typesetting has none. A final ASCII full stop after Chinese becomes 。.
    """
    if not _CJK.search(text):
        return text
    out: list[str] = []
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        if depth or ch not in _FULL:
            out.append(ch)
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch in ",;:?!" and before.isascii() and before.isalnum() \
                and after.isascii() and (after.isalnum() or after == "/"):
            out.append(ch)  # inside an ASCII token: 09:30, 1,000, HH:MM, postgresql://
            continue
        out.append(_FULL[ch])
    joined = "".join(out)
    joined = re.sub(r"([，；：？！）])[ ]+", r"\1", joined)
    joined = re.sub(r"[ ]+（", "（", joined) if _CJK.search(joined) else joined
    joined = re.sub(r"(?<=[\u4e00-\u9fff）])\.$", "。", joined)
    return joined


def dict_modules() -> list[Path]:
    return sorted(p for p in DICTS.glob("*.py") if p.name != "__init__.py")


def read_dict(path: Path) -> dict[str, str]:
    """The ``MESSAGES`` literal of one dict module, read without importing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        target: ast.expr
        value: ast.expr | None
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "MESSAGES" and value is not None:
            found = ast.literal_eval(value)
            assert isinstance(found, dict)
            return found
    return {}


def msgid_of(code: str) -> tuple[str | None, str]:
    """The (context, msgid) a dict key stands for: a code's English word, else the key."""
    from seatdesk.domain.vocabulary import CODE_CONTEXTS, CODE_WORDS

    if code in CODE_CONTEXTS:
        return CODE_CONTEXTS[code]
    return None, CODE_WORDS.get(code, code)


def merge(delete: bool = False) -> int:
    catalog = read_catalogue()
    added, conflicts = 0, []
    for path in dict_modules():
        for key, text in read_dict(path).items():
            context, msgid = msgid_of(key)
            text = chinese_punctuation(text)
            entry = catalog.get(msgid, context=context)
            if entry is None:
                catalog.add(msgid, text, context=context)
                added += 1
            elif not entry.string:
                entry.string = text
                added += 1
            elif entry.string != text:
                conflicts.append(f"{path.name}: {context or ''}|{msgid!r}: .po has "
                                 f"{entry.string!r}, dict has {text!r}")
    write_catalogue(catalog)
    compile_catalogue()
    print(f"added {added} messages to {PO.name}; {len(conflicts)} disagree with it")
    for line in conflicts:
        print("  " + line)
    if delete:
        for path in dict_modules():
            path.unlink()
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(merge(delete="--delete" in sys.argv))
