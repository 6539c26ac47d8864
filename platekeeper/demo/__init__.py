"""The demo: a fictional agency, its cameras and a day or two of plate reads with pictures.

``scenario`` makes up the world and its traffic, ``render`` draws plates and camera frames with
Pillow alone, and ``seed`` puts it all into a store through the real ingest service. The
``platekeeper demo`` command calls ``seed_demo`` and then serves the app.
"""

from platekeeper.demo.seed import DemoCamera, DemoSummary, seed_demo

__all__ = ["DemoCamera", "DemoSummary", "seed_demo"]
