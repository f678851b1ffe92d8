"""Who actually moves the money: a small provider interface and the mock every environment uses today.

Commands get their provider from ``provider_for(ctx)``, which calls the module-level ``provider_factory``.
A real provider (Stripe, Adyen, ...) is a class with ``name`` and ``charge`` that reads its credentials from
``ctx.settings``; it replaces the mock by one call at start-up (or in a test), before requests arrive::

    providers.install(lambda ctx: StripeProvider(ctx.settings.stripe_api_key))

``charge`` gets ``idempotency_key`` = "<student id>:<client key>": if our transaction fails after the
charge, the client's retry reaches the provider with the same key and is not charged twice.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from write.context import CommandContext


@dataclass(frozen=True)
class ChargeOutcome:
    reference: str  # the provider's id of the charge, for support and refunds
    completed: bool  # False: declined (the card, the bank, a fraud check)


class PaymentProvider(Protocol):
    name: str  # stored with each payment ("mock", "stripe", ...)

    async def charge(
        self, *, payment_id: uuid.UUID, amount: Decimal, currency: str, idempotency_key: str
    ) -> ChargeOutcome: ...


class MockPaymentProvider:
    """Completes every charge at once, with a reference derived from the payment id."""

    name = "mock"

    async def charge(
        self, *, payment_id: uuid.UUID, amount: Decimal, currency: str, idempotency_key: str
    ) -> ChargeOutcome:
        return ChargeOutcome(reference=f"mock_{payment_id.hex}", completed=True)


ProviderFactory = Callable[[CommandContext], PaymentProvider]


def _mock(ctx: CommandContext) -> PaymentProvider:
    return MockPaymentProvider()


provider_factory: ProviderFactory = _mock


def install(factory: ProviderFactory) -> ProviderFactory:
    """Makes ``factory`` the provider of every later payment; returns the one it replaced."""
    global provider_factory
    previous, provider_factory = provider_factory, factory
    return previous


def provider_for(ctx: CommandContext) -> PaymentProvider:
    return provider_factory(ctx)
