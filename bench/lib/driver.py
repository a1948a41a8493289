"""librdkafka workload driver for `npm run bench` (confluent-kafka from Debian; run with /usr/bin/python3).

Each subcommand runs one workload in its own process and prints one JSON line on stdout:
  produce  --bootstrap B --topic T --partitions N --size S --count C --acks 1|all
  latency-consume --bootstrap B --topic T        (prints "ready", then the latency summary)
  latency-produce --bootstrap B --topic T --rate R --seconds S --size S [--warmup S]
  mock                                           (in-memory librdkafka mock cluster; prints its address,
                                                  lives until stdin closes)
"""
import argparse
import json
import sys
import time

import confluent_kafka as ck


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def producer(bootstrap, acks, linger_ms, **extra):
    return ck.Producer({
        'bootstrap.servers': bootstrap,
        'acks': acks,
        'linger.ms': linger_ms,
        'batch.size': 1_000_000,
        'queue.buffering.max.messages': 1_000_000,
        'queue.buffering.max.kbytes': 1_048_576,
        'compression.type': 'none',
        'enable.idempotence': False,
        **extra,
    })


def produce(a):
    errors = []

    def on_delivery(err, _msg):
        if len(errors) < 5:
            errors.append(str(err))

    # Only failures are reported: a callback per record would cost the client more than the broker spends.
    p = producer(a.bootstrap, a.acks, 5, on_delivery=on_delivery, **{'delivery.report.only.error': True})
    p.list_topics(a.topic, timeout=10)
    value = b'x' * a.size
    topic = a.topic
    # The loop is the client's bottleneck (one Python call per record), so it does nothing else per record:
    # bound methods, positional arguments, partitions precomputed for one step of records.
    send = p.produce
    poll = p.poll
    step = 10_000
    partitions = [j % a.partitions for j in range(step)]
    t0 = time.perf_counter()
    sent = 0
    while sent < a.count:
        todo = partitions[:a.count - sent]
        i = 0
        try:
            for i, part in enumerate(todo):
                send(topic, value, None, part)
            i = len(todo)
        except BufferError:
            poll(0.001)
        sent += i
        poll(0)
    remaining = p.flush(120)
    seconds = time.perf_counter() - t0
    emit({'records': a.count, 'bytes': a.count * a.size, 'seconds': seconds, 'undelivered': remaining,
          'errors': errors})


def latency_consume(a):
    c = ck.Consumer({
        'bootstrap.servers': a.bootstrap,
        'group.id': 'bench-latency',
        'enable.auto.commit': False,
        'fetch.wait.max.ms': 100,
        'fetch.min.bytes': 1,
    })
    c.assign([ck.TopicPartition(a.topic, 0, ck.OFFSET_END)])
    # The first poll resolves the end offset; only then is the producer told to start.
    c.consume(1, 1.0)
    emit({'ready': True})
    lat = []
    idle_since = None
    while True:
        # One message per poll: a batch call would hold arrived records until its count filled up.
        m = c.poll(0.2)
        now = time.time_ns()
        if m is None:
            if lat and idle_since is None:
                idle_since = time.monotonic()
            if idle_since is not None and time.monotonic() - idle_since > 2:
                break
            continue
        idle_since = None
        v = m.value()
        if m.error() is None and v is not None and v[:1] == b'T':
            if v[1:2] == b'E':
                break
            lat.append((now - int(v[1:20])) / 1e6)
    c.close()
    lat.sort()

    def pct(q):
        return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else None

    emit({'count': len(lat), 'p50': pct(0.5), 'p99': pct(0.99), 'p999': pct(0.999),
          'max': lat[-1] if lat else None})


def latency_produce(a):
    p = producer(a.bootstrap, '1', 0)
    p.list_topics(a.topic, timeout=10)
    pad = b'x' * (a.size - 20)
    # The first --warmup seconds go at the same rate but are marked W and not measured: connection set-up
    # and JIT warm-up of whichever broker is measured, as latency benchmarks usually discard.
    warm = a.rate * a.warmup
    total = warm + a.rate * a.seconds
    t0 = time.perf_counter()
    for i in range(total):
        due = t0 + i / a.rate
        now = time.perf_counter()
        if now < due:
            # Sleep, never spin: a spinning load generator takes a whole core from the broker it measures on a
            # small machine. Waking at most every 1 ms sends the records that fell due meanwhile together, as
            # Kafka's ProducerPerformance throttler does (it sleeps in steps of at least 2 ms).
            p.poll(0)
            time.sleep(max(due - now, 0.001))
        p.produce(a.topic, (b'W' if i < warm else b'T') + str(time.time_ns()).zfill(19).encode() + pad,
                  partition=0)
        p.poll(0)
    p.flush(30)
    time.sleep(0.5)
    p.produce(a.topic, b'TE', partition=0)
    p.flush(30)
    emit({'sent': total - warm, 'seconds': time.perf_counter() - t0})


def mock(_a):
    p = ck.Producer({'test.mock.num.brokers': 1, 'log_level': 3})
    b = list(p.list_topics(timeout=10).brokers.values())[0]
    emit({'bootstrap': f'{b.host}:{b.port}'})
    sys.stdin.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('cmd')
    ap.add_argument('--bootstrap')
    ap.add_argument('--topic')
    ap.add_argument('--partitions', type=int, default=1)
    ap.add_argument('--size', type=int, default=1024)
    ap.add_argument('--count', type=int, default=100000)
    ap.add_argument('--acks', default='1')
    ap.add_argument('--rate', type=int, default=10000)
    ap.add_argument('--seconds', type=int, default=30)
    ap.add_argument('--warmup', type=int, default=1)
    a = ap.parse_args()
    {'produce': produce, 'latency-consume': latency_consume,
     'latency-produce': latency_produce, 'mock': mock}[a.cmd](a)


main()
