"""The sections of the validation report, one module each, in report order:
:mod:`.queueing`, :mod:`.little`, :mod:`.conservation`, :mod:`.published` and
:mod:`.face_validity`.

Each module names its section (``SECTION``) and builds its checks' outcomes with
``checks(evidence)`` from the :class:`~capacity.validation.sections.evidence.Evidence`
of the suite's runs; :mod:`capacity.validation.suite` assembles them.
"""
