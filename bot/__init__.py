"""The dialogue engine and the messengers' inbound adapters (Telegram, WeChat)."""

import os

# Opt in to python-telegram-bot's future behaviour (durations as timedelta), read when durations are accessed.
os.environ.setdefault("PTB_TIMEDELTA", "1")
