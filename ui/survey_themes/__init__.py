"""The tabs of the Survey themes screen, one module each, sharing one ``ThemePage``."""
