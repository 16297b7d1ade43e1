"""How long a text typed into the product may be: one limit per kind of text, used by every road in
(the model fields, so the admin and the model forms; the pages' forms; the API's serializers).

A text past its limit is refused with a field error (a form error on the page, a 400 in the API's
error shape) and nothing is stored. The database columns stay ``text``: the limit is the product's
rule, not the storage's, and can be raised without rewriting a table. docs/security.md, "Production
settings and bad input".
"""

from __future__ import annotations

# One line: a name, a document number, a search term.
LINE_MAX_LENGTH = 200
# A reason, a note, a comment, a question, a list of people present: a few paragraphs at most.
REASON_MAX_LENGTH = 5_000
# A summary, an opinion, a record, a statement, a legal basis: a document's worth of text.
TEXT_MAX_LENGTH = 20_000
