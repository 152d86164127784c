"""What arrives from Meta: raw deliveries, then the messages and statuses inside them."""

__all__: list[str] = []
