"""Bundled demo news site ("The Harbour Gazette") and a tiny static server for it."""
