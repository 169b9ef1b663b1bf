"""rtm-tui: Real Time Management for contact-center Team Leaders, in the terminal."""

__version__ = "0.1.0"
