"""rtm_tui.simulator"""
