"""Safe XML for vendor payloads: no DTD, hence no entities (billion laughs, external files), and
element names without their namespace, which vendors change between firmware versions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import NoReturn
from xml.parsers import expat

from platekeeper.ingest.sources.fields import problem


class XmlDoc:
    """An element and where it sits in the payload, read field by field like ``fields.Doc``."""

    def __init__(self, element: ET.Element, path: str) -> None:
        self.element = element
        self.path = path

    def where(self, name: str) -> str:
        return f"{self.path}.{name}"

    def child(self, name: str) -> XmlDoc | None:
        found = self.element.find(name)
        return None if found is None else XmlDoc(found, self.where(name))

    def children(self, name: str) -> list[XmlDoc]:
        return [XmlDoc(found, self.where(name)) for found in self.element.findall(name)]

    def find(self, name: str) -> XmlDoc | None:
        """The first element ``name`` at any depth (a vendor's template may nest it)."""
        found = self.element.find(name)
        if found is None:
            found = self.element.find(f".//{name}")
        return None if found is None else XmlDoc(found, self.where(name))

    def deep_text(self, name: str) -> str | None:
        """The text of the first ``name`` at any depth, or None when absent or empty."""
        found = self.find(name)
        text = None if found is None or found.element.text is None else found.element.text
        return (text or "").strip() or None

    def attribute(self, name: str) -> str | None:
        """An ``<Attribute name="...">`` value at any depth (Security Center's export)."""
        for found in self.element.iter("Attribute"):
            if found.get("name") == name and found.text and found.text.strip():
                return found.text.strip()
        return None

    def optional_text(self, name: str) -> str | None:
        found = self.element.find(name)
        text = None if found is None or found.text is None else found.text.strip()
        return text or None

    def text(self, name: str) -> str:
        """The text of child ``name``, or of this element itself when ``name`` is empty."""
        if not name:
            own = (self.element.text or "").strip()
            if not own:
                raise problem(self.path, "is empty")
            return own
        value = self.optional_text(name)
        if value is None:
            raise problem(self.where(name), "is missing")
        return value

    def number(self, name: str) -> float:
        value = self.text(name)
        try:
            return float(value)
        except ValueError:
            raise problem(self.where(name), f"must be a number, not {value!r}") from None

    def optional_number(self, name: str) -> float | None:
        return self.number(name) if self.optional_text(name) is not None else None


def load_xml(data: bytes, what: str = "body") -> XmlDoc:
    """The root of ``data``, refusing any document type declaration."""
    _refuse_dtds(data, what)
    try:
        # The document has no DTD, so no entity can be declared or expanded: what defusedxml
        # guards against was refused above.
        root = ET.fromstring(data)  # noqa: S314
    except ET.ParseError as error:
        raise problem(what, f"is not well-formed XML ({error})") from None
    for element in root.iter():
        element.tag = str(element.tag).rsplit("}", 1)[-1]
    return XmlDoc(root, root.tag)


def _refuse_dtds(data: bytes, what: str) -> None:
    """Stop at the first document type or entity declaration, before anything expands."""
    scanner = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = _refuse_dtd
    scanner.EntityDeclHandler = _refuse_dtd
    try:
        scanner.Parse(data, True)
    except _DtdRefused:
        raise problem(what, "declares a document type; XML with a DTD is refused") from None
    except expat.ExpatError as error:
        raise problem(what, f"is not well-formed XML ({error})") from None


class _DtdRefused(Exception):
    pass


def _refuse_dtd(*_: object) -> NoReturn:
    raise _DtdRefused
