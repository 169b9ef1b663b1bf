"""The outlook in words (en / id): the Outlook view's lines, the handover report's
section and the plan form's staffing line all come from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rtm_tui.domain.format import fmt_count, fmt_decimal, fmt_duration, fmt_kpi
from rtm_tui.domain.outlook import Outlook, Recovery
from rtm_tui.i18n import t

__all__ = ["outlook_lines"]


def _pct(value: float | None) -> str:
    return fmt_kpi("service_level", value)


def _hm(value: datetime, tz: Any) -> str:
    return value.astimezone(tz).strftime("%H:%M")


def _recovery_cell(r: Recovery | None) -> str:
    if r is None:
        return "—"
    if r.state == "unreachable":
        return t("outlook.unreachable")
    if r.state == "secured":
        return t("outlook.secured")
    if r.state in ("final_met", "final_missed"):
        return t("outlook." + r.state)
    if r.state == "no_data" or r.required is None:
        return "—"
    need = ("≤ " if r.kpi == "abandon" else "") + _pct(r.required)
    return f"{need} ({fmt_count(r.to_go)})"


KPI_SHORT = {
    "service_level": "outlook.kpi_sl",
    "scr": "outlook.kpi_scr",
    "abandon": "outlook.kpi_ab",
}


def _target_head(o: Outlook, level: str) -> str:
    return t("outlook.head_sla") if level == "sla" else t("outlook.head_slg")


def outlook_lines(
    o: Outlook | None, tz: Any, width: int = 80, what_if_keys: bool = True
) -> list[str]:
    """The view's lines (also the report's: without the what-if keys), each at most
    `width` wide."""
    if o is None:
        return [t("outlook.waiting")]
    out: list[str] = []
    ref = o.reforecast
    patience = fmt_duration(o.patience) if o.patience is not None else t("outlook.none")
    head = t("outlook.title", now=_hm(o.now, tz), patience=patience)
    out.append(head)
    if not ref.has_forecast:
        out.append(t("outlook.no_forecast"))
    else:
        vol = fmt_decimal(ref.volume_ratio, 2) if ref.volume_ratio is not None else "—"
        aht = fmt_decimal(ref.aht_ratio, 2) if ref.aht_ratio is not None else "—"
        out.append(
            t(
                "outlook.reforecast",
                vol=vol,
                aht=aht,
                actual=fmt_count(ref.completed_offered),
                forecast=fmt_count(round(ref.completed_forecast)),
            )
        )
    # recovery table: KPI period | so far | SLA: needs (to go) | SLG: needs (to go) | proj
    if o.recovery:
        out.append(
            f"{'':12}{t('outlook.so_far'):>10}  {_target_head(o, 'sla'):<18}"
            f"{_target_head(o, 'slg'):<18}{t('outlook.projected'):>10}"
        )
        for period in o.periods:
            for kpi in ("service_level", "scr", "abandon"):
                sla = o.recovery_for(kpi, period.name, "sla")
                slg = o.recovery_for(kpi, period.name, "slg")
                any_r = sla or slg
                if any_r is None:
                    continue
                label = f"{t(KPI_SHORT[kpi])} {t('outlook.period_' + period.name)}"
                out.append(
                    f"{label:<12}{_pct(any_r.so_far):>10}  {_recovery_cell(sla):<18}"
                    f"{_recovery_cell(slg):<18}{_pct(any_r.projected):>10}"
                )
    # what-if
    w = o.what_if
    if what_if_keys:
        out.append(t("outlook.what_if_keys", more=f"{w.more_agents:+d}", chat=str(w.to_chat)))
        for period in o.periods:
            end = o.recovery_for("service_level", period.name, "sla")
            if w.voice_delta and end is not None and end.projected is not None:
                out.append(
                    t(
                        "outlook.what_if_end",
                        period=t("outlook.period_" + period.name),
                        plan=_pct(end.projected_plan),
                        alt=_pct(end.projected),
                    )
                )
    for start, base, alt in o.next_projection:
        if not what_if_keys:
            out.append(
                t(
                    "outlook.next",
                    start=_hm(start, tz),
                    agents=fmt_count(base.agents),
                    sl=_pct(base.service_level),
                    asa=fmt_duration(base.asa),
                    ab=_pct(base.abandon),
                )
            )
            continue
        sl = f"{_pct(base.service_level)}→{_pct(alt.service_level)}"
        asa = f"{fmt_duration(base.asa)}→{fmt_duration(alt.asa)}"
        ab = f"{_pct(base.abandon)}→{_pct(alt.abandon)}"
        agents = f"{fmt_count(base.agents)}→{fmt_count(alt.agents)}"
        out.append(t("outlook.next", start=_hm(start, tz), agents=agents, sl=sl, asa=asa, ab=ab))
    # non-voice backlog
    for b in o.backlog:
        ttc = fmt_duration(b.time_to_clear) if b.time_to_clear is not None else "—"
        when = _hm(b.miss_at, tz) if b.miss_at is not None else ""
        out.append(
            t(
                "outlook.backlog_" + b.state,
                channel=b.channel,
                waiting=fmt_count(b.waiting),
                agents=fmt_count(b.agents),
                ttc=ttc,
                at=when,
            )
        )
    # staffing per remaining interval
    if o.intervals:
        cols = t("outlook.staff_head").split("|")
        widths = (-6, 6, 7, 7, 7, 8, 6, 9)
        out.append("".join(
            f"{c:<{-w}}" if w < 0 else f"{c:>{w}}" for c, w in zip(cols, widths, strict=False)
        ))  # fmt: skip
        for r in o.intervals:
            occ = fmt_kpi("service_level", 100 * r.occupancy) if r.occupancy is not None else "—"
            flag = t("outlook.over_cap") if r.over_cap else ""
            there = r.logged_in
            out.append(
                f"{_hm(r.start, tz):<6}{fmt_count(round(r.calls)):>6}{fmt_duration(r.aht):>7}"
                f"{r.need_c:>7}{r.need_a:>7}{fmt_count(r.scheduled):>8}"
                f"{fmt_count(there) if there is not None else '':>6}{occ:>9} {flag}"
            )
    if o.queues and o.reforecast.has_forecast:
        if any(q.source == "forecast" for q in o.queues):
            # the queues' own forecasts: one line each, with the queue's own ratios
            out.append(t("outlook.queues_own"))
            for q in o.queues:
                if q.to_go is None:
                    out.append(
                        t("outlook.queue_own_none", queue=q.queue, today=fmt_count(q.offered))
                    )
                    continue
                rest = fmt_count(round(q.to_go))
                qr = q.reforecast
                vol = aht = "—"
                if qr is not None and qr.volume_ratio is not None:
                    vol = fmt_decimal(qr.volume_ratio, 2)
                if qr is not None and qr.aht_ratio is not None:
                    aht = fmt_decimal(qr.aht_ratio, 2)
                out.append(
                    t("outlook.queue_own", queue=q.queue, today=fmt_count(q.offered),
                      rest=rest, vol=vol, aht=aht)
                )  # fmt: skip
        else:
            parts = [
                f"{q.queue} {fmt_count(q.offered)}+{fmt_count(round(q.to_go or 0))}"
                for q in o.queues
            ]
            out.append(t("outlook.queues", queues=", ".join(parts)))
    return [line[:width] for line in out]
