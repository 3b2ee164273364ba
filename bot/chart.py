"""The digest's chart: daily customer messages as bars, the escalation rate as a line."""

from __future__ import annotations

import io
from collections.abc import Sequence
from math import isnan, nan

from storage.digest import DailyCount

BAR_COLOUR = "#4a90d9"
LINE_COLOUR = "#d9534f"


def render_chart(series: Sequence[DailyCount], *, title: str = "Last 14 days") -> bytes:
    """Draw the series as a PNG, off-screen, without touching matplotlib's global state."""
    # Imported here: matplotlib is slow to import and only the digest needs it. Figure plus
    # FigureCanvasAgg renders without pyplot, so no backend or display is ever selected.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    labels = [f"{d.day:%a}\n{d.day.day}" for d in series]
    messages = [d.messages for d in series]
    # A day without messages has no rate: a gap in the line, not a misleading 0 %.
    rates = [100.0 * d.escalations / d.messages if d.messages else nan for d in series]
    figure = Figure(figsize=(8, 3.2), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    volume = figure.add_subplot()
    volume.bar(range(len(series)), messages, color=BAR_COLOUR, label="customer messages")
    volume.set_xticks(range(len(series)), labels, fontsize=8)
    volume.set_ylabel("customer messages")
    volume.yaxis.set_major_locator(MaxNLocator(integer=True))
    volume.set_ylim(bottom=0, top=max([*messages, 1]) * 1.15)
    volume.spines[["top"]].set_visible(False)
    rate = volume.twinx()
    rate.plot(range(len(series)), rates, color=LINE_COLOUR, marker="o", label="escalation rate")
    rate.set_ylabel("escalated")
    rate.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    rate.set_ylim(bottom=0, top=max([r for r in rates if not isnan(r)] + [10.0]) * 1.25)
    rate.spines[["top"]].set_visible(False)
    handles = volume.get_legend_handles_labels()[0] + rate.get_legend_handles_labels()[0]
    volume.legend(
        handles=handles,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    volume.set_title(title, fontsize=10, loc="left")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
