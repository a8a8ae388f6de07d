"""The Paavo table 12f7 RE-ENCODED FROM THE BUNDLED FILE, FOR TESTING ONLY.

Part of :mod:`tests.replay_snapshot`: the numbers are the bundled file's numbers
(``data/snapshot/paavo/…``, read here with plain pandas, not the project's reader); nothing was
recorded from Statistics Finland. The table is served as ``Postinumeroalue`` × ``Tiedot`` ×
``Vuosi``:

- ``Postinumeroalue``: the file's ``Postinumero`` codes, with its ``Postinumeroalue_x`` texts
  ("00100  Helsinki keskusta - Etu-Töölö (Helsinki)", as Paavo labels an area), after a
  whole-country value ``SSS`` "KOKO MAA" as the live table has one; that value's cells are all
  answered as missing (the bundled file has no whole-country row, and none is invented);
- ``Tiedot``: every value column of the file, its label as the text, with codes INVENTED FOR
  TESTING (``P01``…, in column order; the catalogue selects by the Finnish texts);
- ``Vuosi``: the one year the catalogue's ``reference_year`` gives the file (it has no year).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

KEY_COLUMNS = ("Postinumeroalue_x", "Postinumero", "Alueen_nimi", "Postinumeroalue_y")
COUNTRY = ("SSS", "KOKO MAA")


def paavo_long(source: Any, entry: Any, lang: str) -> Any:
    """The bundled Paavo file's cells as the replay's long frame (legacy-form variables)."""
    from tests.replay_category import _updated
    from tests.replay_snapshot import SNAPSHOT_DIR, _Long, _var

    raw = pd.read_csv(SNAPSHOT_DIR / source.file, encoding="utf-8-sig", dtype=str)
    labels = [c for c in raw.columns if c not in KEY_COLUMNS]
    contents = {f"P{i + 1:02d}": label for i, label in enumerate(labels)}
    areas = dict([COUNTRY, *zip(raw["Postinumero"], raw["Postinumeroalue_x"], strict=True)])
    year = str(source.reference_year)
    variables = [
        _var("Postinumeroalue", "Postinumeroalue", areas),
        _var("Tiedot", "Tiedot", contents),
        _var("Vuosi", "Vuosi", {year: year}, time=True),
    ]
    values = raw[labels].astype(float).to_numpy()
    codes = [COUNTRY[0], *raw["Postinumero"]]
    frame = pd.DataFrame(
        {
            "Postinumeroalue": np.repeat(codes, len(labels)),
            "Tiedot": np.tile(list(contents), len(codes)),
            "Vuosi": year,
            "value": np.concatenate([np.full(len(labels), np.nan), values.ravel()]),
        }
    )
    roles = {"geo": "Postinumeroalue", "metric": "Tiedot", "time": "Vuosi"}
    title = source.title.get(lang)
    return _Long(variables, roles, frame, {}, title, source.publisher, _updated(entry))
