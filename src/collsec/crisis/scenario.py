"""The institutional switches of a run: which Council, and which other bodies act.

A scenario file (``collsec simulate --scenario FILE``) holds these keys; an
experiment's design holds the same keys (see :mod:`collsec.experiments.spec`)::

    council = "unsc-no-veto"   # a body id, charter id or charter file
    regional_first = true
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from collsec.validation_style import Flag, Text, read_toml, validate

__all__ = ["Scenario"]


class Scenario(BaseModel):
    """Institutional switches of a run (designs are charter files plus these)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    council: Text = Field(
        "unsc", description="The Council: a body id, a charter id or a charter file."
    )
    intelligence_sharing: Flag = Field(
        False,
        description="Cyber and terrorist attacks are attributed faster and surer "
        "(scaled by the intelligence_sharing parameter).",
    )
    regional_first: Flag = Field(
        False,
        description="The regional body of the target's region acts first, up to sanctions "
        "(Chapter VIII).",
    )
    uniting_for_peace: Flag = Field(
        True,
        description="After a veto the General Assembly may recommend action (GA res. 377 A (V)).",
    )
    nato: Flag = Field(
        True,
        description="NATO's North Atlantic Council answers armed attacks on allies in the "
        "treaty area (Art. 5).",
    )

    @classmethod
    def from_file(cls, path: str) -> Scenario:
        """Read a scenario TOML file (keys: the fields above); one-line errors.

        Example file::

            council = "unsc-no-veto"
            regional_first = true
        """
        from pathlib import Path

        return validate(cls, read_toml(Path(path), str(path)), str(path))
