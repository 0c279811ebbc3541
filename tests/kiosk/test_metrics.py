"""Health figures from a fake clock, their Prometheus text and log line."""

from __future__ import annotations

from second_look_support import metric_samples

from kiosk.metrics import KioskMetrics, prometheus_text, summary
from kiosk.second_look import SecondLookCounts


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_metrics_report_rate_times_drops_sync_age_and_sent_check_ins() -> None:
    clock = FakeClock()
    metrics = KioskMetrics(clock=clock)
    assert metrics.snapshot(outbox_depth=0).seconds_since_sync is None
    metrics.synced()
    for n in range(11):  # ten frames a second for one second
        clock.now = 100.0 + n / 10
        metrics.frame(detect_ms=10.0 + n, embed_ms=30.0 if n % 2 else None)
    metrics.set_dropped(7)
    metrics.sent(2)
    metrics.sent(1)
    clock.now = 104.0
    health = metrics.snapshot(outbox_depth=3)
    assert abs(health.fps - 10.0) < 1e-6
    assert health.detect_ms_last == 20.0 and health.detect_ms_avg == 15.0
    assert health.embed_ms_last == 30.0 and health.embed_ms_avg == 30.0
    assert health.frames_total == 11 and health.dropped_frames_total == 7
    assert health.outbox_depth == 3 and health.checkins_sent_total == 3
    assert health.seconds_since_sync == 4.0

    text = prometheus_text(health)
    assert "# TYPE kiosk_dropped_frames_total counter" in text
    samples = metric_samples(text)
    assert samples["kiosk_fps"] == "10.000"
    assert samples["kiosk_dropped_frames_total"] == "7"
    assert samples["kiosk_outbox_depth"] == "3"
    assert samples["kiosk_seconds_since_sync"] == "4.000"
    assert samples["kiosk_checkins_sent_total"] == "3"
    assert "outbox 3" in summary(health) and "7 dropped" in summary(health)


def test_a_kiosk_that_never_synced_reports_minus_one() -> None:
    text = prometheus_text(KioskMetrics().snapshot(outbox_depth=0))
    assert "kiosk_seconds_since_sync -1\n" in text
    assert "kiosk_fps 0.000\n" in text


def test_the_second_opinions_counts_are_shown_only_by_a_kiosk_that_has_one() -> None:
    plain = prometheus_text(KioskMetrics().snapshot(outbox_depth=0))
    assert "kiosk_second_opinion" not in plain

    counts = SecondLookCounts(runs=3, fused_looks=9, waited_looks=2, tracks=2, seconds=0.4)
    health = KioskMetrics().snapshot(outbox_depth=0, second=counts)
    counts.runs += 1  # the worker goes on counting: the snapshot keeps what it copied
    text = prometheus_text(health)
    assert "# TYPE kiosk_second_opinion_seconds_total counter" in text
    samples = metric_samples(text)
    assert samples["kiosk_second_opinion_tracks_total"] == "2"
    assert samples["kiosk_second_opinion_runs_total"] == "3"
    assert samples["kiosk_second_opinion_seconds_total"] == "0.400"
    assert samples["kiosk_second_opinion_waited_looks_total"] == "2"
    assert "second opinion on 2 tracks (3 runs, 0.4 s)" in summary(health)
