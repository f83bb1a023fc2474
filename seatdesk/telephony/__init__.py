"""Telephony: the seat's phone behind one interface (a SIP softphone, or none at all).

This layer does I/O (sockets, processes) and sits beside ``runtime``: the desk and the
command line use it; it uses the services to write what the phone did into the call record.
"""
