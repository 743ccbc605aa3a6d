"""Reference knowledge of the world of work: code lists, taxonomy, countries, data files."""
