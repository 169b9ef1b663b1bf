"""UI text in English and Bahasa Indonesia: one catalog, chosen by `[site] language`.

The catalog is a plain dict of dicts: `CATALOG[language][key] -> text`. Text may hold
`str.format` fields (`{count}`), filled by `t(key, count=3)`. A key missing in Indonesian
falls back to English; a key missing everywhere shows as the key itself, so a missing
string is visible but never a crash.

Adding strings: append `"area.name": "text"` to both the "en" and the "id" dicts below
(one section per screen or widget), or call `register("en", {...})` / `register("id", {...})`
from your own module. Keys are lower-case, dotted, prefixed by the area ("board.", "plan.").
Text here is UI text, never data: agent names and codes go through `Text`, not the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "id")

CATALOG: dict[str, dict[str, str]] = {
    "en": {
        # ----------------------------------------------------------------- app shell
        "app.title": "RTM",
        "app.sub_title": "Real Time Management",
        "app.demo": "DEMO",
        "tab.dashboard": "Dashboard",
        "tab.roster": "Roster",
        "key.help": "Help",
        "key.quit": "Quit",
        "key.recovery_plan": "New plan",
        "key.plans": "Plans",
        "key.dashboard": "Dashboard",
        "key.roster": "Roster",
        "key.filter": "Filter",
        "key.exceptions": "Exceptions",
        "key.sort": "Sort",
        "key.period": "Period",
        "key.acknowledge": "Ack",
        "key.freshness": "Sources",
        "key.alerts": "Alerts",
        "key.gauges": "Gauges",
        "key.board": "Board",
        "key.palette": "Commands",
        "key.counts": "Counts",
        "key.gauge_prev": "Previous gauge",
        "key.gauge_next": "Next gauge",
        "key.close": "Close",
        "key.next_pane": "Next pane",
        "cmd.recovery_plan": "New recovery plan for the selected KPI, alert or agent",
        "cmd.plans": "Open the recovery plans",
        "cmd.dashboard": "Show the dashboard",
        "cmd.roster": "Show the roster view",
        "cmd.filter": "Filter the agent board",
        "cmd.exceptions": "Show only agents with exceptions (or all)",
        "cmd.sort": "Change the sort order of the agent board",
        "cmd.period": "Show KPIs for this interval or for today",
        "cmd.acknowledge": "Acknowledge the selected alert",
        "cmd.freshness": "Show the status of each data source",
        "cmd.alerts": "Show or hide the alerts",
        "cmd.gauges": "KPI gauges: full, compact strip, hidden",
        "cmd.board": "Agent board alone (no gauges, no alerts), or back",
        "cmd.help": "Show all keys",
        "cmd.counts": "Show the counts behind the selected KPI",
        "cmd.quit": "Quit",
        "cmd.palette": "Command palette: every action by name",
        "cmd.gauge_prev": "Select the previous KPI gauge",
        "cmd.gauge_next": "Select the next KPI gauge",
        "cmd.next_pane": "Move between gauges, agent board and alerts",
        "cmd.move": "Move in the agent board or the alerts",
        "cmd.close": "Close a panel, clear the filter",
        "key.move": "Move",
        # ----------------------------------------------------------------- header
        "header.shift": "Shift {shift}",
        "header.no_shift": "No TL shift",
        "header.tl": "TL {name}",
        "header.alerts": "Alerts {count}",
        "header.overdue": "Overdue plans {count}",
        "day.0": "Mon", "day.1": "Tue", "day.2": "Wed", "day.3": "Thu", "day.4": "Fri", "day.5": "Sat", "day.6": "Sun",
        "month.1": "Jan", "month.2": "Feb", "month.3": "Mar", "month.4": "Apr", "month.5": "May", "month.6": "Jun",
        "month.7": "Jul", "month.8": "Aug", "month.9": "Sep", "month.10": "Oct", "month.11": "Nov", "month.12": "Dec",
        "shift.pagi": "pagi",
        "shift.siang": "siang",
        "source.agents": "agents",
        "source.voice": "voice",
        "source.nonvoice": "non-voice",
        "source.roster": "roster",
        "fresh.fresh": "fresh",
        "fresh.late": "late",
        "fresh.stale": "stale",
        "fresh.never": "no data yet",
        "fresh.off": "off",
        "fresh.title": "Data sources",
        "fresh.col_source": "Source",
        "fresh.col_status": "Status",
        "fresh.col_last_ok": "Last data",
        "fresh.col_error": "Last error",
        "fresh.failures": "{count} failed in a row",
        "fresh.ago": "{age} ago",
        "fresh.none": "—",
        "fresh.hint": "Green: fresh. Amber: late. Red: stale, the last good data is kept.",
        "fresh.auth": "credentials rejected",
        "fresh.retry_hint": "r: retry every source now (also one told to wait)",
        "fresh.retrying": "Retrying {count} sources now",
        # ----------------------------------------------------------------- gauges
        "gauge.period.interval": "This interval",
        "gauge.period.today": "Today",
        "gauge.period.shift": "This TL shift",
        "gauge.period_hint": "KPIs: {period}   (t: interval/TL shift/today, ←/→ select, enter: counts)",
        "gauge.sla": "SLA",
        "gauge.slg": "SLG",
        "gauge.no_target": "no target",
        "gauge.nonvoice_waiting": "Non-voice: waiting for data",
        "status.ok": "ok",
        "status.warning": "warning",
        "status.breach": "BREACH",
        "status.no_data": "no data",
        "kpi.scr": "SCR",
        "kpi.abandon": "Abandon",
        "kpi.service_level": "SL",
        "kpi.aht": "AHT",
        "kpi.asa": "ASA",
        "kpi.calls_waiting": "Calls waiting",
        "kpi.longest_wait": "Longest wait",
        "kpi.response_time": "Response",
        "kpi.waiting_list": "Waiting",
        "kpi.nv_aht": "AHT",
        "kpi.short.response_time": "Resp",
        "kpi.short.waiting_list": "Wait",
        "kpi.short.nv_aht": "AHT",
        "att.title": "Attendance",
        "att.present": "present",
        "att.late": "late",
        "att.absent": "absent",
        "att.not_yet_in": "not in",
        "att.off": "off",
        "att.not_rostered": "{count} not rostered",
        "counts.title": "{kpi} · {scope}",
        "counts.period": "Period",
        "counts.value": "Value",
        "counts.target": "Target",
        "counts.none": "No counts for this KPI yet.",
        "counts.close": "escape: close",
        "counts.interval": "Interval",
        "counts.today": "Today",
        "counts.shift": "TL shift",
        # ----------------------------------------------------------------- alerts
        "alerts.title": "Alerts",
        "alerts.none": "No open alerts.",
        "alerts.acked": "acknowledged",
        "alerts.ack_done": "Alert acknowledged",
        "alerts.nothing_to_ack": "No alert selected",
        "alerts.new_many": "{count} new red alerts",
        "alerts.new_one": "New red alert",
        "alerts.overdue": "{count} recovery plan(s) past due, not verified",
        "severity.warning": "warning",
        "severity.breach": "breach",
        # ----------------------------------------------------------------- help
        "help.title": "Keys",
        "help.col_key": "Key",
        "help.col_action": "Action",
        "help.footer": "escape or ?: close",
        # ----------------------------------------------------------------- shell messages
        "placeholder.board": "Agent board: not available yet",
        "placeholder.roster": "Roster view: not available yet",
        "placeholder.plans": "Recovery plans: not available yet",
        "filter.placeholder": "Filter agents (name, id, team, code); enter: keep, escape: clear",
        "plan.no_selection": "Select a KPI gauge, an alert or an agent first",
        "plan.no_store": "Recovery plans need the database, which could not be opened (see the message at start)",
        "run.no_base_url": (
            "rtm run: no Omnichannel API configured. Set [omnichannel] base_url in {path} "
            "(or run `rtm init`), or try `rtm demo` to open the dashboard on the simulator."
        ),
        "run.store_error": "Cannot open the database {path}: {error}",
        # ----------------------------------------------------------------- the database file
        "store.recreated": "The database file {path} was deleted while rtm was running; it has been put back with every plan saved so far",
        "store.replaced": "The database file {path} was replaced by another file; rtm's plans were put back there and the other file kept as {detail}",
        "store.read_only": "The database {path} is read-only: plans cannot be saved until the file and its folder are writable (rtm retries at each save)",
        "store.writable": "The database {path} is writable again: saving works",
        "store.open_failed": "The database {path} cannot be opened; plans cannot be saved (rtm retries at each save): {detail}",
        "store.opened": "The database {path} is open now: saving works",
        "header.store_read_only": "Database read-only",
        "header.store_unavailable": "Database unavailable",
    },
    "id": {
        # ----------------------------------------------------------------- app shell
        "app.title": "RTM",
        "app.sub_title": "Real Time Management",
        "app.demo": "DEMO",
        "tab.dashboard": "Dasbor",
        "tab.roster": "Roster",
        "key.help": "Bantuan",
        "key.quit": "Keluar",
        "key.recovery_plan": "Plan baru",
        "key.plans": "Daftar plan",
        "key.dashboard": "Dasbor",
        "key.roster": "Roster",
        "key.filter": "Saring",
        "key.exceptions": "Pengecualian",
        "key.sort": "Urutkan",
        "key.period": "Periode",
        "key.acknowledge": "Tandai",
        "key.freshness": "Sumber",
        "key.alerts": "Alert",
        "key.gauges": "Gauge",
        "key.board": "Papan",
        "key.palette": "Perintah",
        "key.counts": "Rincian",
        "key.gauge_prev": "Gauge sebelumnya",
        "key.gauge_next": "Gauge berikutnya",
        "key.close": "Tutup",
        "key.next_pane": "Panel berikutnya",
        "cmd.recovery_plan": "Recovery plan baru untuk KPI, alert atau agent yang dipilih",
        "cmd.plans": "Buka daftar recovery plan",
        "cmd.dashboard": "Tampilkan dasbor",
        "cmd.roster": "Tampilkan roster",
        "cmd.filter": "Saring papan agent",
        "cmd.exceptions": "Hanya agent dengan pengecualian (atau semua)",
        "cmd.sort": "Ubah urutan papan agent",
        "cmd.period": "KPI interval ini atau hari ini",
        "cmd.acknowledge": "Tandai alert yang dipilih sudah dibaca",
        "cmd.freshness": "Tampilkan status setiap sumber data",
        "cmd.alerts": "Tampilkan atau sembunyikan alert",
        "cmd.gauges": "Gauge KPI: penuh, ringkas satu baris, disembunyikan",
        "cmd.board": "Papan agent saja (tanpa gauge dan alert), atau kembali",
        "cmd.help": "Tampilkan semua tombol",
        "cmd.counts": "Tampilkan angka di balik KPI yang dipilih",
        "cmd.quit": "Keluar",
        "cmd.palette": "Palet perintah: semua fungsi menurut nama",
        "cmd.gauge_prev": "Pilih gauge KPI sebelumnya",
        "cmd.gauge_next": "Pilih gauge KPI berikutnya",
        "cmd.next_pane": "Pindah antara gauge, papan agent dan alert",
        "cmd.move": "Bergerak di papan agent atau daftar alert",
        "cmd.close": "Tutup panel, hapus saringan",
        "key.move": "Gerak",
        # ----------------------------------------------------------------- header
        "header.shift": "Shift {shift}",
        "header.no_shift": "Di luar shift TL",
        "header.tl": "TL {name}",
        "header.alerts": "Alert {count}",
        "header.overdue": "Plan terlambat {count}",
        "day.0": "Sen", "day.1": "Sel", "day.2": "Rab", "day.3": "Kam", "day.4": "Jum", "day.5": "Sab", "day.6": "Min",
        "month.1": "Jan", "month.2": "Feb", "month.3": "Mar", "month.4": "Apr", "month.5": "Mei", "month.6": "Jun",
        "month.7": "Jul", "month.8": "Agu", "month.9": "Sep", "month.10": "Okt", "month.11": "Nov", "month.12": "Des",
        "shift.pagi": "pagi",
        "shift.siang": "siang",
        "source.agents": "agent",
        "source.voice": "voice",
        "source.nonvoice": "non-voice",
        "source.roster": "roster",
        "fresh.fresh": "terkini",
        "fresh.late": "terlambat",
        "fresh.stale": "usang",
        "fresh.never": "belum ada data",
        "fresh.off": "mati",
        "fresh.title": "Sumber data",
        "fresh.col_source": "Sumber",
        "fresh.col_status": "Status",
        "fresh.col_last_ok": "Data terakhir",
        "fresh.col_error": "Galat terakhir",
        "fresh.failures": "{count} kali gagal berturut-turut",
        "fresh.ago": "{age} lalu",
        "fresh.none": "—",
        "fresh.hint": "Hijau: terkini. Kuning: terlambat. Merah: usang, data terakhir tetap dipakai.",
        "fresh.auth": "kredensial ditolak",
        "fresh.retry_hint": "r: coba lagi semua sumber sekarang (juga yang diminta menunggu)",
        "fresh.retrying": "Mencoba lagi {count} sumber sekarang",
        # ----------------------------------------------------------------- gauges
        "gauge.period.interval": "Interval ini",
        "gauge.period.today": "Hari ini",
        "gauge.period.shift": "Shift TL ini",
        "gauge.period_hint": "KPI: {period}   (t: interval/shift TL/hari ini, ←/→ pilih, enter: rincian)",
        "gauge.sla": "SLA",
        "gauge.slg": "SLG",
        "gauge.no_target": "tanpa target",
        "gauge.nonvoice_waiting": "Non-voice: menunggu data",
        "status.ok": "ok",
        "status.warning": "peringatan",
        "status.breach": "LANGGAR",
        "status.no_data": "tanpa data",
        "kpi.scr": "SCR",
        "kpi.abandon": "Abandon",
        "kpi.service_level": "SL",
        "kpi.aht": "AHT",
        "kpi.asa": "ASA",
        "kpi.calls_waiting": "Antrean",
        "kpi.longest_wait": "Tunggu terlama",
        "kpi.response_time": "Respons",
        "kpi.waiting_list": "Antrean",
        "kpi.nv_aht": "AHT",
        "kpi.short.response_time": "Resp",
        "kpi.short.waiting_list": "Antre",
        "kpi.short.nv_aht": "AHT",
        "att.title": "Kehadiran",
        "att.present": "hadir",
        "att.late": "telat",
        "att.absent": "absen",
        "att.not_yet_in": "belum",
        "att.off": "libur",
        "att.not_rostered": "{count} non-roster",
        "counts.title": "{kpi} · {scope}",
        "counts.period": "Periode",
        "counts.value": "Nilai",
        "counts.target": "Target",
        "counts.none": "Belum ada angka untuk KPI ini.",
        "counts.close": "escape: tutup",
        "counts.interval": "Interval",
        "counts.today": "Hari ini",
        "counts.shift": "Shift TL",
        # ----------------------------------------------------------------- alerts
        "alerts.title": "Alert",
        "alerts.none": "Tidak ada alert terbuka.",
        "alerts.acked": "sudah dibaca",
        "alerts.ack_done": "Alert ditandai dibaca",
        "alerts.nothing_to_ack": "Belum ada alert yang dipilih",
        "alerts.new_many": "{count} alert merah baru",
        "alerts.new_one": "Alert merah baru",
        "alerts.overdue": "{count} recovery plan lewat tenggat, belum diverifikasi",
        "severity.warning": "peringatan",
        "severity.breach": "pelanggaran",
        # ----------------------------------------------------------------- help
        "help.title": "Tombol",
        "help.col_key": "Tombol",
        "help.col_action": "Fungsi",
        "help.footer": "escape atau ?: tutup",
        # ----------------------------------------------------------------- shell messages
        "placeholder.board": "Papan agent: belum tersedia",
        "placeholder.roster": "Tampilan roster: belum tersedia",
        "placeholder.plans": "Recovery plan: belum tersedia",
        "filter.placeholder": "Saring agent (nama, id, tim, kode); enter: simpan, escape: hapus",
        "plan.no_selection": "Pilih gauge KPI, alert atau agent terlebih dahulu",
        "plan.no_store": "Recovery plan memerlukan basis data, yang tidak dapat dibuka (lihat pesan saat mulai)",
        "run.no_base_url": (
            "rtm run: API Omnichannel belum diatur. Isi [omnichannel] base_url di {path} "
            "(atau jalankan `rtm init`), atau coba `rtm demo` untuk membuka dasbor dengan simulator."
        ),
        "run.store_error": "Tidak dapat membuka basis data {path}: {error}",
        # ----------------------------------------------------------------- the database file
        "store.recreated": "File basis data {path} terhapus saat rtm berjalan; file telah dikembalikan dengan semua plan yang sudah disimpan",
        "store.replaced": "File basis data {path} diganti dengan file lain; plan rtm dikembalikan ke sana dan file lain disimpan sebagai {detail}",
        "store.read_only": "Basis data {path} hanya-baca: plan tidak dapat disimpan sampai file dan foldernya dapat ditulis (rtm mencoba lagi setiap menyimpan)",
        "store.writable": "Basis data {path} dapat ditulis lagi: penyimpanan berfungsi",
        "store.open_failed": "Basis data {path} tidak dapat dibuka; plan tidak dapat disimpan (rtm mencoba lagi setiap menyimpan): {detail}",
        "store.opened": "Basis data {path} sekarang terbuka: penyimpanan berfungsi",
        "header.store_read_only": "Basis data hanya-baca",
        "header.store_unavailable": "Basis data tidak tersedia",
    },
}

_current = "en"


def set_language(language: str) -> None:
    """Choose the language for `t()`; an unknown language falls back to English."""
    global _current
    _current = language if language in CATALOG else "en"


def language() -> str:
    return _current


def has(key: str) -> bool:
    """Whether the catalog has `key` (in English, the reference language)."""
    return key in CATALOG["en"]


def register(language: str, entries: Mapping[str, str]) -> None:
    """Add strings from another module (same rules as editing CATALOG here)."""
    CATALOG.setdefault(language, {}).update(entries)


def t(key: str, /, **fields: object) -> str:
    """The text for `key` in the current language, with `{fields}` filled in."""
    text = CATALOG.get(_current, {}).get(key)
    if text is None:
        text = CATALOG["en"].get(key, key)
    if not fields:
        return text
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError):
        # a translation with a wrong field name must not crash the screen
        return text
