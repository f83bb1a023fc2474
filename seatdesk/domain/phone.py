"""Phone numbers: one stored format (E.164) so a caller is found however it was typed.

The phone system may deliver "013800138000", "+86 138 0013 8000" or "010-6552 9988";
a customer list may hold "138-0013-8000". All normalise to E.164 with the center's
default region (CN) for numbers written without a country code.
"""

from __future__ import annotations

import phonenumbers

from seatdesk.domain.i18n import _

DEFAULT_REGION = "CN"


class PhoneNumberError(ValueError):
    """A number that cannot be a phone number; the message is shown to the user."""


def normalise(raw: str, region: str = DEFAULT_REGION, *, strict: bool = True) -> str:
    """Return ``raw`` in E.164 form, or raise PhoneNumberError saying why not.

    ``strict`` (for numbers we store) also checks the number is assigned in its
    country's plan; the phone system's caller IDs are matched leniently.
    """
    text = (raw or "").strip()
    if not text:
        raise PhoneNumberError(_("phone number is empty"))
    if len(text) > 40:
        raise PhoneNumberError(_("phone number is too long"))
    if any(ch.isalpha() for ch in text.replace("ext", "")):
        raise PhoneNumberError(_("phone number {text} contains letters").format(text=repr(text)))
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneNumberError(_("{text} is not a phone number").format(text=repr(text))) from exc
    if not phonenumbers.is_possible_number(parsed):
        raise PhoneNumberError(_("{text} has the wrong number of digits").format(text=repr(text)))
    if strict and not phonenumbers.is_valid_number(parsed):
        raise PhoneNumberError(_("{text} is not a valid number").format(text=repr(text)))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_valid(raw: str, region: str = DEFAULT_REGION) -> bool:
    try:
        normalise(raw, region)
    except PhoneNumberError:
        return False
    return True


def display(e164: str) -> str:
    """A readable form of a stored number, national style for the default region."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(parsed) == DEFAULT_REGION:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def mask(e164: str) -> str:
    """Hide the middle of a number the way Chinese centers do (138****8000)."""
    # Mask the digits as the agent would read them (national form for local numbers),
    # so the visible head is the mobile prefix or the area code.
    # Any form, E.164 or as the switch sent it ("13800138000#", "*138...", "p138..."): the
    # digits decide, and a number that is not one keeps its digits out of sight all the same.
    digits = "".join(ch for ch in display(e164) if "0" <= ch <= "9")
    if not digits:
        return e164[:20]  # "anonymous", "withheld": nothing to hide
    if len(digits) <= 4:
        return "*" * len(digits)
    keep_head = 3 if len(digits) >= 7 else 1
    keep_tail = 4 if len(digits) >= 8 else 2
    return digits[:keep_head] + "*" * (len(digits) - keep_head - keep_tail) + digits[-keep_tail:]
