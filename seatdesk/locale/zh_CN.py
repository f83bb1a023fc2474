"""简体中文 catalogue: English message id -> Chinese text."""

MESSAGES: dict[str, str] = {
}
