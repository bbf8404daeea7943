"""View models of the meeting pages: ContractFigures in, frames, frozen dataclasses out.

- `point`: the weekly Point TMA (balance cards, alerts, tickets in / out / in progress);
- `bilan`: the monthly report (consumption of the month, improvement-plan indicators);
- `copil`: the steering committee over a period, `copil_deck` its slide list;
- `portfolio`: every contract on one row with red / amber / green statuses (`rag`);
- `activity`: ticket and time-entry selections shared by the views (one way each);
- `labels` and `tables`: French labels of codes, French headers and formats of columns.

Pure: no Streamlit, no DuckDB, no file access. Every figure is read from
`ContractFigures` (or selected from its frames); nothing is recomputed another way.
"""
