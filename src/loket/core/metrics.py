"""`/metrics`: Prometheus figures read from the database at scrape time.

Every figure is a query over tables that all web and worker processes share, so one
scrape of any web process tells the truth about all of them (no per-process counters
to add up, nothing lost when a process restarts). Core never imports a capability:
each one registers a collector from its `AppConfig.ready()`.

A collector is a function that returns Prometheus metric families
(`prometheus_client.core.GaugeMetricFamily`, `CounterMetricFamily`, ...). It must not
put personal data in names or labels: labels are job kinds, states, types and codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from loket.core import health

CONTENT_TYPE = CONTENT_TYPE_LATEST

MetricsCollector = Callable[[], Iterable[Metric]]

_collectors: dict[str, MetricsCollector] = {}


def register_metrics_collector(name: str, collect: MetricsCollector) -> None:
    """Register (or replace) the collector called `name`, e.g. "jobs" or "whatsapp"."""
    _collectors[name] = collect


def registered_collectors() -> list[str]:
    return sorted(_collectors)


def quarantine_metrics() -> Iterator[Metric]:
    """Items set aside as poison, per registered source (the sum is `/readyz`'s `quarantined`)."""
    family = GaugeMetricFamily(
        "loket_quarantined",
        "Items set aside as poison and waiting for an administrator, by source.",
        labels=["source"],
    )
    for source, count in health.quarantined_by_source().items():
        family.add_metric([source], count)
    yield family


class _ScrapeCollector(Collector):
    """Runs every registered collector now; a fresh registry per scrape keeps no state."""

    def collect(self) -> Iterator[Metric]:
        yield from quarantine_metrics()
        for name in registered_collectors():
            yield from _collectors[name]()


def render() -> bytes:
    """The Prometheus text exposition of every registered figure, computed now."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ScrapeCollector())
    return generate_latest(registry)
