"""The text reader's lexicons (YAML data, one file per language)."""
