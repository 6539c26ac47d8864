"""Reading a vendor's document (JSON as dicts and lists) field by path, naming what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from platekeeper.errors import FieldError, InvalidInput


def problem(location: str, message: str) -> InvalidInput:
    return InvalidInput(
        f"{location} {message}",
        hint="Check the device sends this source's documented format (docs/integrations.md).",
        fields=[FieldError(location, message)],
    )


def load_json(data: bytes, what: str = "body") -> Doc:
    """``data`` as a JSON object, or ``InvalidInput`` saying it is not one."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise problem(what, f"is not JSON ({error})") from None
    if not isinstance(value, dict):
        raise problem(what, "is not a JSON object")
    return Doc(value, what)


class Doc:
    """A JSON object and where it sits in the payload, for messages (``body.best_plate``)."""

    def __init__(self, data: Mapping[str, Any], path: str = "body") -> None:
        self.data = data
        self.path = path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}"

    def has(self, key: str) -> bool:
        return self.data.get(key) not in (None, "")

    def raw(self, key: str) -> Any:
        if not self.has(key):
            raise problem(self.where(key), "is missing")
        return self.data[key]

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str | int):
            raise problem(self.where(key), "must be text")
        return str(value)

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def number(self, key: str) -> float:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise problem(self.where(key), "must be a number")
        try:
            return float(value)
        except ValueError:
            raise problem(self.where(key), f"must be a number, not {value!r}") from None

    def optional_number(self, key: str) -> float | None:
        return self.number(key) if self.has(key) else None

    def doc(self, key: str) -> Doc:
        value = self.raw(key)
        if not isinstance(value, dict):
            raise problem(self.where(key), "must be an object")
        return Doc(value, self.where(key))

    def optional_doc(self, key: str) -> Doc | None:
        return self.doc(key) if self.has(key) else None

    def docs(self, key: str) -> list[Doc]:
        """The objects of list ``key``; an absent list is empty."""
        value = self.data.get(key) or []
        if not isinstance(value, list):
            raise problem(self.where(key), "must be a list")
        found = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise problem(f"{self.where(key)}.{index}", "must be an object")
            found.append(Doc(item, f"{self.where(key)}.{index}"))
        return found
