"""The episode pages (docs/case-work.md): "Your cases", the episode, and each step on it."""
