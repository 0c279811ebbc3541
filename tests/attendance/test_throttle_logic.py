"""The failure throttle and the stream cap, on their own, with a clock moved by hand."""

from __future__ import annotations

import pytest

from attendance.errors import Busy, TooManyAttempts
from attendance.throttle import BOARD_KEY, TOKEN, StreamSlots, Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_address_is_blocked_after_the_limit_until_the_window_passes() -> None:
    clock = Clock()
    throttle = Throttle(failures=3, window_seconds=60, clock=clock)
    for _ in range(3):
        throttle.check(client="10.0.0.1", kind=TOKEN)
        throttle.failed(client="10.0.0.1", kind=TOKEN)
    with pytest.raises(TooManyAttempts) as blocked:
        throttle.check(client="10.0.0.1", kind=TOKEN)
    assert blocked.value.retry_after == 60
    throttle.check(client="10.0.0.2", kind=TOKEN)  # another address
    throttle.check(client="10.0.0.1", kind=BOARD_KEY)  # another kind
    clock.now = 59.5
    with pytest.raises(TooManyAttempts) as still:
        throttle.check(client="10.0.0.1", kind=TOKEN)
    assert still.value.retry_after == 1
    clock.now = 60
    throttle.check(client="10.0.0.1", kind=TOKEN)


def test_the_same_wrong_credential_again_is_no_new_guess() -> None:
    throttle = Throttle(failures=3, window_seconds=60, clock=Clock())
    for _ in range(10):
        throttle.failed(client="10.0.0.1", kind=TOKEN, credential="revoked")
    throttle.check(client="10.0.0.1", kind=TOKEN)
    for guess in ("a", "b"):
        throttle.failed(client="10.0.0.1", kind=TOKEN, credential=guess)
    with pytest.raises(TooManyAttempts):
        throttle.check(client="10.0.0.1", kind=TOKEN)


def test_the_throttle_forgets_the_oldest_addresses_past_its_size() -> None:
    throttle = Throttle(failures=1, window_seconds=60, clock=Clock(), max_tracked=100)
    for n in range(1000):
        throttle.failed(client=f"10.0.{n // 256}.{n % 256}", kind=TOKEN)
    assert len(throttle._seen) <= 100
    with pytest.raises(TooManyAttempts):
        throttle.check(client="10.0.3.231", kind=TOKEN)  # the latest is still remembered


def test_stream_slots_cap_one_key_and_the_total_and_free_on_release() -> None:
    slots = StreamSlots(per_key=2, total=3)
    first, second = slots.acquire("bd_a"), slots.acquire("bd_a")
    with pytest.raises(TooManyAttempts):
        slots.acquire("bd_a")
    third = slots.acquire("bd_b")
    with pytest.raises(Busy):
        slots.acquire("bd_c")
    first.release()
    first.release()  # twice is harmless
    assert slots.open_count("bd_a") == 1 and slots.open_count() == 2
    slots.acquire("bd_c")
    second.release()
    third.release()
    assert slots.open_count() == 1
