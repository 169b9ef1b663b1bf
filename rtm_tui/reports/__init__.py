"""rtm_tui.reports"""
