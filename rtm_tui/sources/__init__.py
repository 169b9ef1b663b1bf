"""rtm_tui.sources"""
