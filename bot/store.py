"""Tables owned by the bot: conversations, subscriptions and the outbox (added as they land)."""
