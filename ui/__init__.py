"""Shared Streamlit pieces: the sidebar every page draws, figure builders and number formatting."""
