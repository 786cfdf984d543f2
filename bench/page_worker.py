"""Measure pages of another checkout of the code, page by page, on request.

``python -m bench --only pages --compare-with REF`` unpacks the commit REF into a temporary
directory and runs this file's text there (``python -c``, with that directory first on the
path), so ``bench.pages``, the screens and ``ue_core`` it measures are REF's, not this
checkout's. It reads one JSON request a line on stdin (``{"page": key, "email": address,
"repeats": n, "warm_up": bool}``) and answers each with one JSON line of the measurement, so
the benchmark can time the code before and the code after one page at a time, in turn, under
the same load on the machine.

Only the parts of ``bench.pages`` that older checkouts already have are used here.
"""

from __future__ import annotations

import json
import sys
from functools import partial

#: Answers start with this, so anything else a page prints to stdout is told apart.
MARK = "@@bench-worker "


def say_back(answer: dict[str, object]) -> None:
    print(MARK + json.dumps(answer), flush=True)


def main(database_url: str) -> None:
    from bench import pages
    from ui.navigation import SCREENS

    screens = {screen.key: screen for screen in SCREENS}
    with pages.app_environment(database_url), pages.quiet_streamlit() as capture:
        say_back({"ready": sorted(screens)})
        for line in sys.stdin:
            asked = json.loads(line)
            if asked.get("empty"):
                make = pages.empty_page
            elif asked["page"] not in screens:
                say_back({"missing": True})
                continue
            else:
                make = partial(pages.page_as, screens[asked["page"]], asked["email"])
            if asked.get("warm_up"):
                pages.warm_up(make)
            measured = pages.measure(make, int(asked["repeats"]), capture)
            answer: dict[str, object] = {
                "sessions": measured.sessions,
                "error": measured.error,
                "timed_out": measured.timed_out,
                "shown_errors": measured.shown_errors,
            }
            say_back(answer)
        pages.clear_caches()


if __name__ == "__main__":
    main(sys.argv[1])
