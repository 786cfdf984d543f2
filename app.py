"""Router: page set-up, the sign-in gate, and a menu built from the user's roles."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, navigation
from ui.demo_banner import demo_banner
from ui.inbox import sidebar_unread

# A local file, served by the app itself: a ":material/...:" or emoji icon makes the browser
# fetch the icon from an outside host, which government networks often block.
ICON = Path(__file__).resolve().parent / "ui" / "assets" / "workbench-icon.png"

st.set_page_config(
    page_title="User engagement workbench",
    page_icon=str(ICON),
    layout="wide",
)

actor = auth.start_run()
demo_banner()
if actor is None:
    # Every screen's address shows the sign-in page, so a bookmarked or shared link lands on
    # the screen it names once the person has signed in.
    page = st.navigation(navigation.sign_in_pages(auth.sign_in_page), position="hidden")
else:
    # Expanded: a collapsed menu fades the links above its "View more" button below the
    # contrast WCAG asks for, and hides pages a hub consultant uses daily.
    page = st.navigation(navigation.pages_for(actor), expanded=True)
    auth.sidebar(actor)
    sidebar_unread(actor)
page.run()
