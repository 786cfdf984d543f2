"""The only Streamlit glue: sign-in gate, cached service accessors and renderers."""
