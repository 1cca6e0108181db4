"""A value's categories as one key: "SEX=F", or "AGE=Y15T24;SEX=F" for two dimensions, the
dimensions in the order of their codes. The empty key is the total. One spelling, so that the
same categories are the same cell whichever way in gave them."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


def breakdown_pairs(text: str) -> list[tuple[str, str]]:
    """The (dimension, category) pairs a written key gives ("sex = f; AGE=Y_LT25"), upper-cased,
    in the order written; a blank category stays blank (the total of that dimension). Checks the
    spelling only, not the code lists. Raises ValidationError for an item without "="."""
    pairs = []
    for item in filter(None, (t.strip() for t in str(text).split(SEPARATOR))):
        dimension, equals, code = item.partition("=")
        if not equals:
            raise ValidationError(
                _("“%(value)s” is not a category: write DIMENSION=CATEGORY, such as SEX=F.") % {"value": item[:40]}
            )
        pairs.append((dimension.strip().upper(), code.strip().upper()))
    return pairs


def breakdown_label(key: str, names: Mapping[tuple[str, str], str]) -> str:
    """The categories of a key by name ("Under 25, Female"), from {(dimension, category): name};
    a pair without a name shows as written (SEX=X)."""
    return ", ".join(names.get(pair, "=".join(pair)) for pair in breakdown_parse(key).items())
