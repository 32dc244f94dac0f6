"""What the channel packages share: texts cut to size, and one resident's messages handled in order."""
