"""Country codes: collsec's member codes and the COW / ISO / Gleditsch-Ward crosswalk.

The bottom of the package (above :mod:`collsec.errors`): two shipped tables and
the functions that read them, with no data directory and no other collsec
import, so that every layer may use them. :mod:`collsec.codes.codes` resolves
member codes (``codes.csv``); :mod:`collsec.codes.crosswalk` converts between
COW, ISO 3166 and Gleditsch-Ward codes on a date (``crosswalk.csv``; it needs
pandas, so it is not imported here).
"""

from collsec.codes.codes import CodeRow, code_table, member_name, resolve_member

__all__ = ["CodeRow", "code_table", "member_name", "resolve_member"]
