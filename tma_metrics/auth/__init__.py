"""Access control: who may see which contracts, the users file, the login modes.

`principal` and `mode` are pure; `users` reads and writes the users file; `throttle`
slows password guessing; `cli` is the ``user`` command. The Streamlit side (login form,
logout button) is `tma_metrics.ui.login_page`.
"""
