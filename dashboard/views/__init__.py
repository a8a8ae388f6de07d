"""Importable views behind the thin page modules: selection parsing, data shaping and content
building, one module per page (`town`, `compare`, `map`, `data`, `network`, `overview`,
`about`; the embeds are `dashboard.embeds`, the profile's snippet generator `town_embed`) plus `index` (the composite index and peers, on compare and town), `coverage` (how current
each figure is: the staleness rule and the "data as of" table, on town and about) and `common`.

Views register no callbacks and need no app: unit tests call them with small frames. What they
show (headlines, cards, defaults, comparison groups) comes from the presentation.
"""
