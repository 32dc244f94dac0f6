"""The schema, the data functions and the stored media files."""
