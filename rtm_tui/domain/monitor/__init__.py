"""ShiftMonitor: folds snapshots into what the dashboard shows, and raises alerts.

`apply(now, agents, voice, nonvoice, roster)` is called on every poll (any snapshot may
be None: keep the last one). It keeps, per agent, a timeline of observed states and the
AUX time, AUX count, first login and last logout of each workday, and builds the agent
rows, the KPI values with their status, the attendance counts and the alerts.

The package, by concern (each module states its rules where the contract is silent):
- core: ShiftMonitor, apply(), acknowledging alerts, excusing periods, housekeeping.
- base: the state the concerns share, the roster entry selection, raising an alert.
- tracks: what is kept per agent and workday (Track, Day), and for how long.
- observe: the observation rules: each agent's snapshot folded into its track.
- rotg_judge: the AUX limits, the ROTG alerts and the live values of open ones.
- rows: the agent rows, with the fast path for rows where only time moved.
- attendance_card: the TL's people on the attendance card, the absent alerts.
- kpis: the KPIs per scope and period (incl. the TL shift so far), episodes, KPI alerts.
- state: export_state / restore_state (snapshot_state + state_dict: the copy on the
  loop, the plain data elsewhere).
"""

from .core import ShiftMonitor, attendance_of, rows_by_id
from .state import STATE_VERSION, StateSnapshot, state_dict

__all__ = [
    "STATE_VERSION",
    "ShiftMonitor",
    "StateSnapshot",
    "attendance_of",
    "rows_by_id",
    "state_dict",
]
