"""House rules of the two front ends that the type checker cannot see."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "platekeeper"


def modules(*layers: str) -> list[Path]:
    return sorted(path for layer in layers for path in (PACKAGE / layer).rglob("*.py"))


def _awaited(function: ast.AsyncFunctionDef) -> list[ast.expr]:
    """What ``function`` itself awaits, or iterates or enters asynchronously (as ``None``)."""
    found: list[ast.expr] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue  # a nested function awaits for itself
        if isinstance(node, ast.Await):
            found.append(node.value)
        elif isinstance(node, ast.AsyncFor | ast.AsyncWith | ast.Yield | ast.YieldFrom):
            found.append(ast.Constant(None))
        pending.extend(ast.iter_child_nodes(node))
    return found


def _is_run_in_threadpool(expression: ast.expr) -> bool:
    return (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Name)
        and expression.func.id == "run_in_threadpool"
    )


def _is_route(function: ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and isinstance(decorator.func.value, ast.Name)
        and decorator.func.value.id in {"router", "app"}
        for decorator in function.decorator_list
    )


def test_no_route_is_async_only_to_hand_its_work_to_a_thread() -> None:
    """FastAPI runs a plain ``def`` route in its thread pool already; ``async def`` is for routes
    that await the request (its body, its form), and the helpers they await."""
    offences = [
        f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}"
        for path in modules("api", "web", "http")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.AsyncFunctionDef)
        and _is_route(node)
        and (awaited := _awaited(node))
        and all(_is_run_in_threadpool(expression) for expression in awaited)
    ]
    assert offences == []


def test_api_bodies_live_in_the_schemas_package() -> None:
    defined = [
        f"{path.relative_to(PACKAGE)} defines {node.name}"
        for path in modules("api/routes")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    ]
    assert defined == []
