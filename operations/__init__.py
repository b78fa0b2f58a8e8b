"""Coordinating code above the domain apps: work that spans several of them, such as loading the
public record and sweeping the deadline ledger. Domain apps never import it; it imports them."""
