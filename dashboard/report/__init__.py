"""Self-contained HTML reports of a run and of a comparison, built from the same figure
functions the pages draw (dashboard/figures/), without Streamlit."""
