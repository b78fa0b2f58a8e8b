"""The rate-limit counter and the client address it counts by."""

from django.test import RequestFactory

from common.ratelimit import Limit, client_address, hit


def test_a_limit_allows_its_count_per_window_then_says_how_long_to_wait():
    limit = Limit("test", 2, 60)
    assert hit(limit, "127.0.0.2", now=120.0) is None
    assert hit(limit, "127.0.0.2", now=130.0) is None
    assert hit(limit, "127.0.0.2", now=150.5) == 30  # the window ends at 180
    assert hit(limit, "127.0.0.3", now=150.5) is None  # another key has its own count
    assert hit(limit, "127.0.0.2", now=180.0) is None  # a new window


def test_a_limit_of_zero_is_off():
    assert all(hit(Limit("off", 0, 60), "x", now=1.0) is None for _ in range(5))


def test_the_address_is_remote_addr_unless_proxies_are_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"
    # One load balancer: the address it saw is the last one; what the client wrote before is ignored.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "192.0.2.7"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "6.6.6.6"


def test_too_short_a_forwarded_chain_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert client_address(request) == "10.0.0.1"
