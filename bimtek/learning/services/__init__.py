"""Operations on tests, questions and attempts: they enforce the rules, flush, and never commit.

One module per task: `setup` (tests and their settings), `bank` (questions and the XLSX import),
`attempts` (start, autosave, submit, expiry), `marking` (short answers) and `results` (scores and reports).
"""
