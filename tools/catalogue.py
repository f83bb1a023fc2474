"""The message catalogue's tool chain, on Babel: extract, update the .po, compile the .mo.

Run from the repository root::

    python tools/catalogue.py update    # extract from seatdesk/, merge into the zh_CN .po
    python tools/catalogue.py compile   # .po -> .mo (commit both)
    python tools/catalogue.py check     # exit 1 on untranslated or fuzzy entries, stale .mo

The same keywords drive ``pybabel`` by hand (``babel.cfg`` holds the file mapping)::

    pybabel extract -F babel.cfg -k N_ -k NC_:1c,2 -o seatdesk/locale/seatdesk.pot .

Babel is a development tool here: at run time ``seatdesk.domain.i18n`` reads the compiled
``.mo`` with the standard library's ``gettext`` only.
"""

from __future__ import annotations

import inspect
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "seatdesk"
LOCALE = PACKAGE / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "seatdesk.po"
MO = PO.with_suffix(".mo")
# The marker functions of seatdesk.domain.i18n and where their arguments are.
KEYWORDS: dict[str, tuple[object, ...] | None] = {
    "_": None, "N_": None, "NC_": ((1, "c"), 2), "pgettext": ((1, "c"), 2),
    "ngettext": (1, 2), "npgettext": ((1, "c"), 2, 3),
}
METHOD_MAP = [("**.py", "python")]


def extract() -> Catalog:
    """Every translatable string in the package (msgid, context, the places it is used)."""
    template = Catalog(project="seatdesk", charset="utf-8")
    found = extract_from_dir(str(PACKAGE), METHOD_MAP, keywords=KEYWORDS,  # type: ignore[arg-type]
                             comment_tags=("TRANSLATORS:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        path = f"seatdesk/{filename}"
        if isinstance(message, tuple) and message[0] == "":
            continue
        template.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    for path, lineno, message in click_help_messages():
        if message in template:
            template[message].locations.append((path, lineno))
        else:
            template.add(message, None, [(path, lineno)])
    return template


# click's help texts: a command's docstring and ``help=``/``short_help=``/``epilog=`` of
# its decorators and options, translated when shown (seatdesk.cli.help_text).
HELP_KEYWORDS = {"help", "short_help", "epilog"}
CLICK_DECORATORS = {"command", "group"}


def click_help_messages(directory: Path = PACKAGE / "cli") -> list[tuple[str, int, str]]:
    """(path, line, msgid) of every help text of the command line."""
    import ast

    found: list[tuple[str, int, str]] = []
    for path in sorted(directory.glob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found += [(rel, k.value.lineno, inspect.cleandoc(k.value.value))
                          for k in node.keywords if k.arg in HELP_KEYWORDS
                          and isinstance(k.value, ast.Constant)
                          and isinstance(k.value.value, str) and k.value.value.strip()]
            elif isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and (
                        (isinstance(d.func, ast.Attribute) and d.func.attr in CLICK_DECORATORS)
                        or (isinstance(d.func, ast.Name) and d.func.id in CLICK_DECORATORS))
                    and not any(k.arg == "help" for k in d.keywords)  # help= wins
                    for d in node.decorator_list):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    found.append((rel, node.body[0].lineno, doc.partition("\f")[0].strip()))
    return found


def read_catalogue(path: Path = PO) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="zh_CN", domain="seatdesk")


def write_catalogue(catalog: Catalog, path: Path = PO) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, sort_output=False, include_previous=False,
             ignore_obsolete=True)
    path.write_bytes(buf.getvalue())


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of ``catalog`` (fuzzy entries are left out, as msgfmt does)."""
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def compile_catalogue() -> None:
    MO.write_bytes(compiled(read_catalogue()))


def update() -> Catalog:
    """Merge the extracted strings into the .po: new ones added empty, gone ones dropped."""
    catalog = read_catalogue() if PO.exists() else Catalog(locale="zh_CN", domain="seatdesk")
    catalog.update(extract(), no_fuzzy_matching=True, update_header_comment=False)
    write_catalogue(catalog)
    return catalog


def untranslated(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id and (not m.string or m.fuzzy
                                            or (isinstance(m.string, tuple)
                                                and not all(m.string)))]


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        catalog = update()
        missing = untranslated(catalog)
        print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} to translate")
        return 0
    if command == "compile":
        compile_catalogue()
        print(f"wrote {MO.relative_to(ROOT)}")
        return 0
    if command == "check":
        catalog = read_catalogue()
        problems = [f"untranslated: {m.context or ''}|{m.id!r}" for m in untranslated(catalog)]
        if not MO.exists() or MO.read_bytes() != compiled(catalog):
            problems.append("the .mo is not compiled from the .po: run tools/catalogue.py compile")
        print("\n".join(problems) or "catalogue complete")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
