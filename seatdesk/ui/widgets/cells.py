"""Table cells from stored text: never parsed as markup.

DataTable parses a plain ``str`` cell as Rich markup, so a reason typed as ``[/]`` crashes the
screen and ``[link=…]`` becomes a live link. Every screen that shows what people typed builds
its cells with ``plain_cells``.
"""

from __future__ import annotations

from rich.text import Text

from seatdesk.domain.text import neutralise


def plain_cells(*values: object) -> list[Text]:
    """Cells as ``Text``: strings neutralised (control characters made visible), as typed."""
    return [v if isinstance(v, Text) else Text(neutralise(str(v))) for v in values]
