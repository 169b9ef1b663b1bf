"""rtm_tui.store"""
