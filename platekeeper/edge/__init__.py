"""``platekeeper edge``: the agent that runs in a patrol car or at a remote site.

It captures reads with the built-in recogniser, keeps each on its own disk before anything else
(``queue``), forwards them to the server's ingest API when it can (``forwarder``), matches them
offline against a signed copy of the hot lists (``hotlist_copy``), shows its hits on a local
page under the server's rules (``page``) and reports its health (``health``). See docs/edge.md.
"""
