"""The API's request and response bodies, one module per area, named as the route module that
uses them (``routes/hits.py`` takes its bodies from ``schemas/hits.py``): pydantic at the edge,
domain values inside."""
