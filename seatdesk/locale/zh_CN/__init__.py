"""简体中文: the catalogue is ``LC_MESSAGES/seatdesk.po`` (compiled to ``seatdesk.mo``).

``MESSAGES`` is kept for code written against the old dict catalogue: a read-only view of the
compiled catalogue (msgid -> Chinese; plural and context entries left out). New code uses
``seatdesk.domain.i18n`` (``_``, ``pgettext``, ``ngettext``, ``has_translation``). Dict modules
(``<area>.py``) arriving from branches are not read any more: ``tools/dicts_to_po.py`` carries
them into the .po.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping


class _Compiled(Mapping[str, str]):
    def _table(self) -> dict[str, str]:
        from seatdesk.domain.i18n import catalogue

        found = getattr(catalogue("zh"), "_catalog", {})
        return {k: v for k, v in found.items()
                if isinstance(k, str) and k and "\x04" not in k}

    def __getitem__(self, key: str) -> str:
        return self._table()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


MESSAGES: Mapping[str, str] = _Compiled()
