"""English dates as a European public buyer writes them in a published document: "1 February 2027", never the US
"Feb. 1, 2027" (Django's own English formats). Pages keep ISO dates (2027-02-01); numbers keep Django's English
formats (1,234,567.00)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
