# kafka-python 2.0.2: produce keyed records with headers (acks=all), then read them back from an assigned
# partition (no consumer group). Prints one JSON line per record: partition, offset, key, value, headers.
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, count, codec = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
# An optional fifth argument pins the protocol generation, e.g. 0.11 (Produce v3, Fetch v4).
pinned = {'api_version': tuple(int(x) for x in sys.argv[5].split('.'))} if len(sys.argv) > 5 else {}
producer = KafkaProducer(
    **pinned,
    bootstrap_servers=bootstrap,
    acks='all',
    compression_type=None if codec == 'none' else codec,
)
futures = [
    producer.send(topic, key=b'k%d' % i, value=b'v%d' % i, partition=0, headers=[('h', b'x%d' % i)])
    for i in range(count)
]
producer.flush()
for f in futures:
    f.get(timeout=10)
producer.close()

consumer = KafkaConsumer(
    **pinned,
    bootstrap_servers=bootstrap,
    group_id=None,
    enable_auto_commit=False,
    auto_offset_reset='earliest',
    consumer_timeout_ms=5000,
)
tp = TopicPartition(topic, 0)
consumer.assign([tp])
consumer.seek_to_beginning(tp)
seen = 0
for m in consumer:
    print(json.dumps({'partition': m.partition, 'offset': m.offset, 'key': m.key.decode(),
                      'value': m.value.decode(), 'headers': [[k, v.decode()] for k, v in m.headers]}))
    seen += 1
    if seen == count:
        break
consumer.close()
