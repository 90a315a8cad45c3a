"""Reading a Prometheus scrape in tests: sample values by name and labels."""

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample


def samples(exposition: str) -> list[Sample]:
    return [
        sample
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    ]


def value(exposition: str, name: str, **labels: str) -> float:
    """The sample `name` with exactly these labels (0 if absent: a counter
    that never counted has no sample yet)."""
    for sample in samples(exposition):
        if sample.name == name and sample.labels == labels:
            return sample.value
    return 0.0


def sample_names(exposition: str) -> set[str]:
    """Every series name the scrape can hold, from its families' types: a
    labelled counter or histogram that has not counted yet still declares them."""
    names: set[str] = set()
    suffixes = {
        "counter": ("_total",),
        "histogram": ("_bucket", "_count", "_sum"),
    }
    for family in text_string_to_metric_families(exposition):
        names.update(
            family.name + suffix for suffix in suffixes.get(family.type, ("",))
        )
        names.update(sample.name for sample in family.samples)
    return names
