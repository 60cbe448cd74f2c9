"""Cross-border cases and referrals (issue 7): kinds, the workflow, deadlines, who sees what.

Pure logic lives in `model`, `workflow`, `deadlines` and `policy`; `service` applies it to the
store (`store/cases.py`, `store/case_board.py`) and writes audit entries.
"""
