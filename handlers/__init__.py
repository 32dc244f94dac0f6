"""Channel-neutral conversation flows: they take a neutral message and decide the replies."""
