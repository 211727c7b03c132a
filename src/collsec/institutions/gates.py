"""Legal gates that are not votes: NATO's treaty area, League withdrawal.

Both read their parameters from the charter files, so a user who edits a
charter changes the gate.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from collsec.errors import InputError
from collsec.institutions.charter import load_body, load_charter

__all__ = ["article5_applies", "withdrawal_effective"]

Region = Literal[
    "europe", "north_america", "turkey", "north_atlantic", "mediterranean", "elsewhere"
]


def article5_applies(
    target: str,
    *,
    on: dt.date,
    region: str,
    latitude: float | None = None,
    armed_attack: bool = True,
    charter: str = "nato-nac",
) -> tuple[bool, str]:
    """Whether NATO's Art. 5 covers an attack, with the reason.

    Art. 5 applies to an armed attack on an ally (Art. 5) within the area of
    Art. 6: the allies' territory in Europe or North America, the territory of
    Turkey, or islands, forces, vessels and aircraft in the North Atlantic (or,
    for forces, the Mediterranean) north of the Tropic of Cancer.

    Parameters
    ----------
    target : str
        Member code of the state attacked.
    on : datetime.date
        Date of the attack (membership is taken on this date).
    region : str
        Where the attack took place: ``europe``, ``north_america``, ``turkey``,
        ``north_atlantic``, ``mediterranean`` or ``elsewhere``.
    latitude : float, optional
        Latitude of the attack, needed for the sea regions.
    armed_attack : bool
        False for threats that are not armed attacks.

    Examples
    --------
    >>> import datetime as dt
    >>> article5_applies("USA", on=dt.date(2001, 9, 11), region="north_america")[0]
    True
    >>> article5_applies("GBR", on=dt.date(1982, 4, 2), region="elsewhere", latitude=-51.7)
    (False, 'the attack lies outside the area of Art. 6 (south of the Tropic of Cancer or outside Europe and North America)')
    """
    gate = load_charter(charter).gates.get("article5")
    if gate is None:
        raise InputError("charter has no 'article5' gate", source=charter, field="gates")
    body = load_body(charter, on=on)
    if target not in body.seats:
        return False, f"{target} is not a member of NATO on {on.isoformat()}"
    if gate.get("armed_attack_only", True) and not armed_attack:
        return False, "Art. 5 covers only an armed attack"
    if region in gate.get("regions", []):
        return True, f"armed attack on an ally in the treaty area ({region})"
    tropic = float(gate.get("tropic_of_cancer", 23.44))
    if region in gate.get("sea_regions", []):
        if latitude is None:
            raise InputError(
                "latitude is needed for sea regions", source="article5", field="latitude"
            )
        if latitude >= tropic:
            return True, f"armed attack in the {region} north of the Tropic of Cancer"
    return False, (
        "the attack lies outside the area of Art. 6 (south of the Tropic of Cancer "
        "or outside Europe and North America)"
    )


def withdrawal_effective(notice: dt.date, *, charter: str = "league-council") -> dt.date:
    """The date a withdrawal takes effect, from the notice date (Covenant Art. 1(3)).

    >>> import datetime as dt
    >>> withdrawal_effective(dt.date(1933, 3, 27))
    datetime.date(1935, 3, 27)
    """
    gate = load_charter(charter).gates.get("withdrawal")
    if gate is None:
        raise InputError("charter has no 'withdrawal' gate", source=charter, field="gates")
    years = int(gate["notice_years"])
    try:
        return notice.replace(year=notice.year + years)
    except ValueError:  # 29 February
        return notice.replace(year=notice.year + years, day=28)
