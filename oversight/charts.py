"""Server-rendered bar charts: geometry for an SVG the template draws, so no script is needed."""

from dataclasses import dataclass

from .selectors import Gap

WEAKEST = 10  # competencies shown in the gap chart
LABEL_WIDTH = 320  # room for "SPLW-PCP-01 Short title" on the left
BAR_WIDTH = 360  # a 100% bar
FIGURE_WIDTH = 110  # "12 of 12 (100%)" on the right
ROW_HEIGHT = 32
BAR_HEIGHT = 20
MAX_LABEL = 40  # characters of a label before it is shortened


@dataclass(frozen=True)
class Bar:
    gap: Gap
    y: int
    width: int
    label: str

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5

    @property
    def figure_x(self) -> int:
        return LABEL_WIDTH + self.width + 8


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def axis_end(self) -> int:
        return LABEL_WIDTH + BAR_WIDTH


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(gaps: list[Gap]) -> BarChart:
    """One horizontal bar per gap, as long as its share at proficiency."""
    bars = [
        Bar(
            gap=gap,
            y=index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            # A zero share still shows a sliver, so the row does not look missing.
            width=max(round(BAR_WIDTH * gap.percent / 100), 2),
            label=_short(f"{gap.code} {gap.title}".strip()),
        )
        for index, gap in enumerate(gaps)
    ]
    return BarChart(
        bars=bars, width=LABEL_WIDTH + BAR_WIDTH + FIGURE_WIDTH, height=len(bars) * ROW_HEIGHT
    )
