"""Experiments: Monte Carlo over decades of simulated history.

Every simulated year, threats (would-be aggressions) arise between directed
pairs of states at the rate of an empirical hazard of militarized-dispute
onset calibrated on the COW MID data (:mod:`collsec.experiments.hazard`); the
runner then decides, year by year and replication by replication, whether the
aggressor attacks and how the collective-security institutions respond.
"""
