"""The web page of ``capacity app``: the command that starts it (:mod:`.command`), the
Streamlit script (:mod:`.page`), what the page does without the page (:mod:`.logic`)
and its words in two languages (:mod:`.labels`).

Nothing is imported here: the command must load without Streamlit, which only the page
script needs.
"""
