"""The rating method's settings. Every threshold, score and choice of the method lives here as
data (stored per version in RatingMethod.settings), never as a constant in the engine."""

from dataclasses import asdict, dataclass, field, fields

from django.utils.translation import pgettext_lazy


class Rating:
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    FOR_ATTENTION = "for_attention"
    OFF_TRACK = "off_track"
    REGRESSING = "regressing"
    NOT_YET_ACHIEVED = "not_yet_achieved"
    NOT_ACHIEVED = "not_achieved"
    IMPROVING = "improving"
    SLOW_IMPROVEMENT = "slow_improvement"
    STAGNANT = "stagnant"
    WORSENING = "worsening"
    NO_DATA = "no_data"
    CANNOT_ASSESS = "cannot_assess"

    TARGET_FAMILY = (ACHIEVED, ON_TRACK, FOR_ATTENTION, OFF_TRACK, REGRESSING)
    TREND_FAMILY = (IMPROVING, SLOW_IMPROVEMENT, STAGNANT, WORSENING)
    YES_NO_FAMILY = (ACHIEVED, NOT_YET_ACHIEVED, NOT_ACHIEVED)
    ALL = (
        ACHIEVED,
        ON_TRACK,
        FOR_ATTENTION,
        OFF_TRACK,
        REGRESSING,
        NOT_YET_ACHIEVED,
        NOT_ACHIEVED,
        IMPROVING,
        SLOW_IMPROVEMENT,
        STAGNANT,
        WORSENING,
        NO_DATA,
        CANNOT_ASSESS,
    )
    UNRATED = (NO_DATA, CANNOT_ASSESS)


class Movement:
    """The scorecard's second signal: the change since the previous data point (engine.direction_since).
    None: no value, or nothing earlier to compare with."""

    IMPROVING = "improving"
    SAME = "same"
    WORSENING = "worsening"
    ALL = (IMPROVING, SAME, WORSENING)
    # An arrow and words, never colour alone; "improving" is a fall where lower is better.
    GLYPHS = {IMPROVING: "↑", SAME: "→", WORSENING: "↓", None: "–"}
    LABELS = {
        IMPROVING: pgettext_lazy("change since the previous value", "Improving"),
        SAME: pgettext_lazy("change since the previous value", "About the same"),
        WORSENING: pgettext_lazy("change since the previous value", "Worsening"),
        None: pgettext_lazy("change since the previous value", "Not enough data"),
    }

    @classmethod
    def text(cls, code: str | None) -> str:
        """The arrow and its words in the active language: "↑ Improving"."""
        return f"{cls.GLYPHS[code]} {cls.LABELS[code]}"


DEFAULT_SCORES = {
    Rating.ACHIEVED: 4,
    Rating.ON_TRACK: 3,
    Rating.FOR_ATTENTION: 2,
    Rating.OFF_TRACK: 1,
    Rating.REGRESSING: 0,
    Rating.NOT_YET_ACHIEVED: 1,
    Rating.NOT_ACHIEVED: 0,
    Rating.IMPROVING: 3,
    Rating.SLOW_IMPROVEMENT: 2,
    Rating.STAGNANT: 1,
    Rating.WORSENING: 0,
}

DEFAULT_LABELS = {
    Rating.ACHIEVED: {"en": "Achieved", "zh-hans": "已实现", "ru": "Достигнуто"},
    Rating.ON_TRACK: {"en": "On track", "zh-hans": "进展顺利", "ru": "По плану"},
    Rating.FOR_ATTENTION: {"en": "For attention", "zh-hans": "需要关注", "ru": "Требует внимания"},
    Rating.OFF_TRACK: {"en": "Off track", "zh-hans": "偏离轨道", "ru": "Отставание от плана"},
    Rating.REGRESSING: {"en": "Regressing", "zh-hans": "出现倒退", "ru": "Регресс"},
    Rating.NOT_YET_ACHIEVED: {"en": "Not yet achieved", "zh-hans": "尚未实现", "ru": "Пока не достигнуто"},
    Rating.NOT_ACHIEVED: {"en": "Not achieved", "zh-hans": "未实现", "ru": "Не достигнуто"},
    Rating.IMPROVING: {"en": "Improving", "zh-hans": "持续改善", "ru": "Улучшение"},
    Rating.SLOW_IMPROVEMENT: {"en": "Slow improvement", "zh-hans": "改善缓慢", "ru": "Медленное улучшение"},
    Rating.STAGNANT: {"en": "Stagnant", "zh-hans": "停滞不前", "ru": "Стагнация"},
    Rating.WORSENING: {"en": "Worsening", "zh-hans": "持续恶化", "ru": "Ухудшение"},
    Rating.NO_DATA: {"en": "No data", "zh-hans": "无数据", "ru": "Нет данных"},
    Rating.CANNOT_ASSESS: {"en": "Cannot assess", "zh-hans": "无法评估", "ru": "Оценка невозможна"},
}


@dataclass(frozen=True)
class MethodSettings:
    # Step 1: a latest value older than this many years before the report year is flagged.
    outdated_window_years: int = 3
    # Step 4: a milestone counts as met within this fraction of its value.
    achieved_tolerance: float = 0.0
    # Step 5: thresholds on R = d (A_t - B) / |E_t - B|.
    on_track_min: float = 0.95
    for_attention_min: float = 0.6
    off_track_min: float = 0.0
    # Step 6: thresholds on the annual change g (fractions: 0.015 = 1.5 % a year).
    improving_min: float = 0.015
    slow_improvement_min: float = 0.005
    stagnant_min: float = 0.0
    # Step 7.
    outlook: bool = True
    # The scorecard's arrow: a relative change since the previous data point of at most this
    # fraction (0.01 = 1 %) either way is "about the same".
    same_within: float = 0.01
    # Step 8: "mean" of part scores, or the "worst" part.
    combine: str = "mean"
    scores: dict = field(default_factory=lambda: dict(DEFAULT_SCORES))
    labels: dict = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_LABELS.items()})

    @classmethod
    def from_dict(cls, data: dict) -> "MethodSettings":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"Unknown rating method settings: {sorted(unknown)}")
        settings = cls(**data)
        settings.validate()
        return settings

    def to_dict(self) -> dict:
        return asdict(self)

    def validate(self) -> None:
        if not self.on_track_min >= self.for_attention_min >= self.off_track_min:
            raise ValueError("Thresholds must satisfy on_track_min >= for_attention_min >= off_track_min.")
        if not self.improving_min >= self.slow_improvement_min >= self.stagnant_min:
            raise ValueError("Thresholds must satisfy improving_min >= slow_improvement_min >= stagnant_min.")
        if self.combine not in ("mean", "worst"):
            raise ValueError("combine must be 'mean' or 'worst'.")
        if self.achieved_tolerance < 0 or self.outdated_window_years < 0:
            raise ValueError("The tolerance and the outdated window cannot be negative.")
        if isinstance(self.same_within, bool) or not isinstance(self.same_within, int | float):
            raise ValueError("same_within must be a number (0.01 = 1 %).")
        if not 0 <= self.same_within < 1:
            raise ValueError("same_within must be at least 0 and below 1 (0.01 = 1 %).")
        missing = set(Rating.ALL) - set(self.labels)
        if missing:
            raise ValueError(f"Labels missing for {sorted(missing)}.")
        missing = (set(Rating.ALL) - set(Rating.UNRATED)) - set(self.scores)
        if missing:
            raise ValueError(f"Scores missing for {sorted(missing)}.")


# The name and description of version 1, the DOMAIN default.
DEFAULT_METHOD_NAME = {
    "en": "CAREC default rating method",
    "zh_hans": "CAREC默认评级方法",
    "ru": "Стандартный метод оценки ЦАРЭС",
}
DEFAULT_METHOD_DESCRIPTION = {
    "en": "Share of required progress against milestones interpolated from the baseline (UN ESCAP, Open SDG), "
    "traffic lights as in ADB's DEfR scorecard; annual change where no milestone is set.",
    "zh_hans": "以基线至里程碑插值计算所需进展的完成比例（参照联合国亚太经社会和Open SDG方法），"
    "采用亚行发展成效评估记分卡的交通灯分级；未设定里程碑时按年均变化评估。",
    "ru": "Доля требуемого прогресса относительно промежуточных целей, интерполированных от базового значения "
    "(методы ЭСКАТО ООН и Open SDG), «светофор» по образцу оценочной карты АБР; при отсутствии "
    "промежуточных целей — по среднегодовому изменению.",
}
