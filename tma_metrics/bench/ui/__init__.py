"""The part of the benchmark that drives the Streamlit app (AppTest): like `tma_metrics.ui`,
the only place of the benchmark that imports Streamlit."""
