"""Server-rendered pages. Pages show aggregates only until a person's access is audited."""
