"""A value's categories as one key: "SEX=F", or "AGE=Y15T24;SEX=F" for two dimensions, the
dimensions in the order of their codes. The empty key is the total. One spelling, so that the
same categories are the same cell whichever way in gave them."""

from collections.abc import Mapping

SEPARATOR = ";"


def breakdown_key(categories: Mapping[str, str]) -> str:
    """The key of {dimension code: category code}; blank categories are left out (the total)."""
    return SEPARATOR.join(f"{dimension}={code}" for dimension, code in sorted(categories.items()) if code)


def breakdown_parse(key: str) -> dict[str, str]:
    """{dimension code: category code} of a key; {} for the total. The key is one breakdown_key
    wrote (stored values are always)."""
    if not key:
        return {}
    return dict(pair.split("=", 1) for pair in key.split(SEPARATOR))
