"""The Data page's parts: where a dataset comes from (sources, uploads) and its summaries."""
