"""Bits tried out in a notebook and kept."""


def phone_format(customer_id):
    return f"+1-555-{customer_id:04d}"
