"""Shift planning (排班): rules, coverage, forecast, the roster optimiser and adherence.

Pure logic only: no database, no Textual. The services in ``seatdesk.services``
feed these functions with plain values and store what they return.
"""
