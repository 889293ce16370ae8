"""app.py under a timer, for the rerun benchmark: the app itself carries no instrumentation.

Runs the real page and stores the script's own run time in
``st.session_state["_run_seconds"]`` (a run ended by ``st.rerun()`` leaves the
previous run's value).
"""

from __future__ import annotations

import runpy
import time
from pathlib import Path

import streamlit as st

_started = time.perf_counter()
runpy.run_path(str(Path(__file__).resolve().parents[1] / "app.py"), run_name="__main__")
st.session_state["_run_seconds"] = time.perf_counter() - _started
