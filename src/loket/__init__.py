"""Loket: the WhatsApp service counter of a Dukcapil office."""
