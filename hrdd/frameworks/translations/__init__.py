"""The frameworks' texts in Dutch, French and German (hrdd.domain.framework_texts): YAML files, a package so that a
built wheel carries them."""
