"""Benchmarks of the office model: speed, memory and scale, beside bare SimPy and Ciw.

Run on demand, never inside the test suite::

    python -m benchmarks            # everything; writes results.csv and results.md here
    python -m benchmarks --quick    # a smoke run with small sizes and two repeats

Every measurement runs in a fresh subprocess of that one command, so peak memory
belongs to one measurement and one engine's imports never warm another's caches.
Measurements of the engines being compared are paired: in each repeat every engine runs
once, in alternating order, and ratios are taken within a repeat before their median.

Sections:

* ``equal_work``: the model reduced by scenario settings to an M/M/c queue and to a
  four-station network with a return loop at follow-up (:mod:`benchmarks.networks`),
  the same two networks in bare SimPy (:mod:`benchmarks.simpy_engine`) and in Ciw
  (:mod:`benchmarks.ciw_engine`); the results must agree with each other and with
  Erlang C and Jackson's theorem (:mod:`benchmarks.agreement`), or the speed comparison
  is void.
* ``office_year``: one simulated year of every bundled office and of ``office_2011``
  scaled to 1x, 4x and 16x its users and staff (:mod:`benchmarks.offices`).
* ``throughput``: replications of ``office_2011`` per minute on one worker and on every
  core.
"""
