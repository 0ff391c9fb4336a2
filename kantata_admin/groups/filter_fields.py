"""Form fields and widgets of the group filter panel that Django does not have: id lists,
external id lists, text for the custom-value syntax, and the HTML date inputs."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kantata_admin.groups import column_layout

MAX_REFS = 200
# The custom-value syntax has no escaping: these characters cannot be searched for.
_SYNTAX_CHARS = re.compile(r"[:;()]")
_ID = re.compile(r"[1-9][0-9]{0,18}")


class IdListField(forms.CharField):
    """Ids separated by commas or spaces, e.g. "12, 15 18"."""

    def __init__(self, *, limit: int | None = None, **kwargs: Any) -> None:
        self.limit = limit
        kwargs.setdefault("help_text", "Separate ids with commas.")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str] | None:
        text = super().to_python(value)
        if not text:
            return None
        ids = [part for part in re.split(r"[\s,]+", text) if part]
        bad = [part for part in ids if not _ID.fullmatch(part)]
        if bad:
            raise ValidationError(
                "Ids are whole numbers from 1 up; %(bad)s is not one.",
                params={"bad": ", ".join(repr(part) for part in bad[:3])},
            )
        if self.limit is not None and len(ids) > self.limit:
            raise ValidationError("Give at most %(limit)s ids.", params={"limit": self.limit})
        return list(dict.fromkeys(ids))


class ExternalIdListField(forms.CharField):
    """External ids (any text without commas), separated by commas."""

    def to_python(self, value: Any) -> list[str] | None:
        text = super().to_python(value)
        if not text:
            return None
        refs = [part.strip() for part in text.split(",") if part.strip()]
        if any(_SYNTAX_CHARS.search(ref) for ref in refs):
            raise ValidationError("External ids may not contain : ; ( or ).")
        if len(refs) > MAX_REFS:
            raise ValidationError(
                "Give at most %(limit)s external ids.", params={"limit": MAX_REFS}
            )
        return refs or None


class PlainTextField(forms.CharField):
    """Text sent inside the custom-value syntax, which cannot carry : ; ( )."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and _SYNTAX_CHARS.search(value):
            raise ValidationError("This filter cannot search for : ; ( or ).")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ColumnKeysField(forms.Field):
    """The list's columns, in order (`column_layout`), carried as hidden inputs. Lenient:
    a value no column can have is left out rather than refused, so a link or saved view
    naming a column that has gone (a custom field deleted upstream) still opens."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        keys = (column_layout.normalise(v) for v in values if isinstance(v, str))
        return list(dict.fromkeys(key for key in keys if key))[: column_layout.MAX_COLUMNS]


class KnownChoicesField(forms.MultipleChoiceField):
    """Choices carried from an older link: values it no longer offers are left out."""

    def to_python(self, value: Any) -> list[str]:
        return [choice for choice in super().to_python(value) if self.valid_value(choice)]
