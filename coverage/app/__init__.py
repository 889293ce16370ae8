"""The Streamlit app's layer: everything ``app.py`` needs beyond the core.

- :mod:`~coverage.app.views`: pure text and tables as the app shows them (no Streamlit);
- :mod:`~coverage.app.editor`: the sites editor and adding places (pure; catalog passed in);
- :mod:`~coverage.app.state`: the session's transitions, on any mapping (pure);
- :mod:`~coverage.app.data`: Streamlit's caches around the core, the map and the downloads;
- :mod:`~coverage.app.tabs`: the sidebar and the tab bodies, as functions.
"""
