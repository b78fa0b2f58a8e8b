"""Django's Redis cache with its clients kept (common.redis_cache): one ``redis.Redis`` per
server for the process's life, not one per cache operation. No server is needed to see it: a
client connects only when a command is sent."""

from __future__ import annotations

from common.redis_cache import RedisCache


def test_one_client_serves_every_operation():
    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    client = cache._cache

    first = client.get_client("a")
    assert client.get_client("b") is first
    assert client.get_client("c", write=True) is first  # one server: reads and writes alike
    assert first.connection_pool is client._get_connection_pool(write=True)


def test_with_replicas_writes_keep_the_first_server_and_reads_a_replica():
    cache = RedisCache("redis://127.0.0.1:6379/0,redis://127.0.0.1:6380/0", {})
    client = cache._cache

    writer = client.get_client(write=True)
    reader = client.get_client()

    assert reader is not writer
    assert client.get_client() is reader
    assert client.get_client(write=True) is writer
    assert writer.connection_pool.connection_kwargs["port"] == 6379
    assert reader.connection_pool.connection_kwargs["port"] == 6380
