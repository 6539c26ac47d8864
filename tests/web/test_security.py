"""The content security policy: scripts from this server only, tiles only from the configured
server, inline styles only in the self-contained documents."""

from __future__ import annotations

from platekeeper.http.security import content_security_policy


def test_pages_allow_no_inline_script_or_style() -> None:
    policy = content_security_policy(None)
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "img-src 'self' data: blob:;" in policy


def test_a_configured_tile_server_is_the_only_other_image_origin() -> None:
    policy = content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: blob: https://tiles.example.org;" in policy
    assert "script-src 'self';" in policy


def test_documents_may_carry_their_own_style_sheet_but_no_script() -> None:
    policy = content_security_policy(None, inline_styles=True)
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
