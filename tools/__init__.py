"""Developer tools that need the repository, not part of the installed ``coverage`` package.

Run them from the repository root, as modules:

* ``python -m tools.loadtest``: the classroom load test (docs/reliability.md §4);
* ``python -m tools.screenshots``: the app's screenshots in docs/img/.

``tools.app_server`` starts the app for them, for the browser tests (tests/e2e) and for the
browser benchmark (benchmarks/browser.py); ``tools.protocol_client`` is the load test's
browserless client.
"""
