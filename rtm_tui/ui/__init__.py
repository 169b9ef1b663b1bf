"""rtm_tui.ui"""
