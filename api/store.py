"""Tables owned by the web service: staff tokens, share links and the audit log (added as they land)."""
