"""Hot lists: their entries and imports, matching reads against them, and the alerts that follow."""
