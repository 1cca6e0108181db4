"""What changed since the previous edition: new, dropped and re-rated indicators, revised
baselines and milestones. Pure: two contents (reports.content) in, plain data out."""


def _parts(content: dict) -> dict[tuple[str, str], dict]:
    return {(i["code"], p["code"]): p for i in content.get("indicators", []) for p in i["parts"]}


def _same_value(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.get("t"), a.get("n"), a.get("q", "")) == (b.get("t"), b.get("n"), b.get("q", ""))


def _baseline_key(baseline: dict | None):
    return None if baseline is None else (baseline["year"], baseline["value"])


def edition_changes(current: dict, previous: dict) -> dict:
    now = {i["code"]: i for i in current.get("indicators", [])}
    before = {i["code"]: i for i in previous.get("indicators", [])}
    rerated = []
    for code, indicator in now.items():
        old = before.get(code)
        if old is None:
            continue
        old_rating = (old.get("rating") or {}).get("rating")
        new_rating = (indicator.get("rating") or {}).get("rating")
        if old_rating != new_rating:
            rerated.append({"code": code, "before": old_rating, "after": new_rating})

    baselines, milestones = [], []
    old_parts = _parts(previous)
    for key, part in _parts(current).items():
        old = old_parts.get(key)
        if old is None:
            continue
        a, b = old.get("baseline"), part.get("baseline")
        if (a is None) != (b is None) or (
            a is not None and (a["year"] != b["year"] or not _same_value(a["value"], b["value"]))
        ):
            baselines.append({"indicator": key[0], "part": key[1], "before": a, "after": b})
        old_targets = {m["year"]: m for m in old.get("milestones", [])}
        new_targets = {m["year"]: m for m in part.get("milestones", [])}
        for year in sorted(set(old_targets) | set(new_targets)):
            x, y = old_targets.get(year), new_targets.get(year)
            if x is not None and y is not None and x["kind"] == y["kind"] and _same_value(x["value"], y["value"]):
                continue
            milestones.append({"indicator": key[0], "part": key[1], "year": year, "before": x, "after": y})

    return {
        "previous": previous.get("edition", {}),
        "new": [code for code in now if code not in before],
        "dropped": [before[code] for code in before if code not in now],
        "rerated": rerated,
        "baselines": baselines,
        "milestones": milestones,
    }
