"""Every main page, for the role that uses it, checked in the browser for what the issue asks of
all of them: a label on every control, one top heading, text alternatives for images, a skip
link reached first by the keyboard, and text contrast of at least 4.5:1 (WCAG 2.1 AA)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from platekeeper.domain.people import Role
from tests.web.conftest import WebApp, sign_in

PAGES: list[tuple[Role | None, str]] = [
    (None, "/login"),
    (None, "/transparency"),
    (None, "/"),
    (Role.OFFICER, "/dashboard"),
    (Role.OFFICER, "/alerts"),
    (Role.ANALYST, "/search"),
    (Role.ANALYST, "/hotlists"),
    (Role.SUPERVISOR, "/holds"),
    (Role.CUSTODIAN, "/cameras"),
    (Role.CUSTODIAN, "/people"),
    (Role.CUSTODIAN, "/sharing"),
    (Role.AUDITOR, "/audit"),
    (Role.AUDITOR, "/audit/signals"),
    (Role.AUDITOR, "/retention"),
    (Role.AUDITOR, "/reports"),
]

# Runs in the page: each finding names the element, so a failure says where to look.
AUDIT_SCRIPT = """
() => {
  const findings = [];
  const describe = (el) => el.outerHTML.slice(0, 120);
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || !visible(el)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby") || el.getAttribute("title");
    if (!named) findings.push("control without a label: " + describe(el));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!visible(el)) continue;
    const name = (el.innerText || "").trim() || el.getAttribute("aria-label")
      || el.getAttribute("title");
    if (!name) findings.push("button or link without a name: " + describe(el));
  }
  for (const el of document.querySelectorAll("img")) {
    if (!el.hasAttribute("alt")) findings.push("image without alt: " + describe(el));
  }
  const h1s = document.querySelectorAll("h1").length;
  if (h1s !== 1) findings.push("the page has " + h1s + " h1 headings");
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const parse = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const rgba = parse(getComputedStyle(node).backgroundColor);
      if (rgba.length === 3 || (rgba.length === 4 && rgba[3] === 1)) return rgba.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    const fg = parse(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [luminance(fg), luminance(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) findings.push("contrast " + ratio.toFixed(2) + ":1 for " + describe(el));
  }
  return findings;
}
"""


@pytest.mark.parametrize(("role", "path"), PAGES, ids=[path for _, path in PAGES])
def test_every_main_page_is_labelled_structured_and_legible(
    page: Page, web_app: WebApp, role: Role | None, path: str
) -> None:
    if role is not None:
        sign_in(page, web_app.person(role))
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, path
    findings: list[Any] = page.evaluate(AUDIT_SCRIPT)
    assert findings == []


def test_the_keyboard_reaches_the_skip_link_first_and_it_leads_to_the_content(
    page: Page, web_app: WebApp
) -> None:
    sign_in(page, web_app.person(Role.ANALYST))
    page.goto("/search")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{web_app.base_url}/search#main")


def test_the_check_itself_finds_what_it_looks_for(page: Page) -> None:
    page.set_content(
        "<body><h1>One</h1><h1>Two</h1><input name='q'><img src='x.png'>"
        "<button></button><p style='color:#aaa;background:#fff'>faint</p></body>"
    )
    findings = "\n".join(page.evaluate(AUDIT_SCRIPT))
    assert "control without a label" in findings
    assert "image without alt" in findings
    assert "button or link without a name" in findings
    assert "2 h1 headings" in findings
    assert "contrast 2.32:1" in findings
