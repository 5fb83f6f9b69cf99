"""The kernel every app uses, written once: errors with their field, owned models and the wall, ids and tokens,
uploads, text extraction, spreadsheets, links and downloads."""
