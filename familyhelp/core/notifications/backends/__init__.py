"""Where a message goes: each backend has `send(message) -> id` and raises NotificationError."""
