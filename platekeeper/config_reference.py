"""The configuration reference in docs/configuration.md, generated from the settings models."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from platekeeper.config import BACKEND_SECTIONS, ENV_PREFIX, Settings


def reference_markdown() -> str:
    """One table row per key: TOML key, environment variable, default, meaning."""
    lines = [
        "| key | environment variable | default | meaning |",
        "| --- | --- | --- | --- |",
    ]
    lines.extend(_rows())
    return "\n".join(lines) + "\n"


def _rows() -> Iterator[str]:
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if name in BACKEND_SECTIONS:
            continue  # listed once per backend below
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _model_rows(name, annotation)
        else:
            yield _row(name, field)
    for section, models in BACKEND_SECTIONS.items():
        for model in models:
            yield from _model_rows(section, model, note=f"(type = {_tag(model)})")


def _tag(model: type[BaseModel]) -> str:
    literal = model.model_fields["type"].annotation
    return str(getattr(literal, "__args__", ("?",))[0])


def _model_rows(section: str, model: type[BaseModel], note: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        yield _row(f"{section}.{name}", field, note)


def _row(key: str, field: FieldInfo, note: str = "") -> str:
    env = ENV_PREFIX + key.upper().replace(".", "__")
    description = (field.description or "").replace("|", "\\|")
    if note:
        description = f"{note}: {description}" if description else note
    return f"| `{key}` | `{env}` | {_default(field)} | {description} |"


def _default(field: FieldInfo) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    if field.default_factory is not None:
        return "see section"
    if field.default is None:
        return "(derived)"
    if isinstance(field.default, tuple) and all(
        isinstance(item, BaseModel) for item in field.default
    ):
        return _list_of_tables(field.default)
    if isinstance(field.default, tuple):
        return f"`{list(field.default)}`"
    return f"`{field.default}`"


def _list_of_tables(items: tuple[BaseModel, ...]) -> str:
    """A TOML array of tables, one per line: ``[[access.purposes]]`` in the file."""
    return "<br>".join(
        "`" + ", ".join(f"{k} = {v!r}" for k, v in item.model_dump().items()) + "`"
        for item in items
    )
