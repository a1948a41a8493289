# confluent-kafka (librdkafka 2.0.2) balanced consumer: joins a group, reads until `count` records were
# seen or nothing arrived for `idle` seconds after the first assignment, commits synchronously, closes.
# Prints one JSON line per record, then {"assigned": [...]} with every partition it was ever given.
# An optional sixth argument makes it a static member (group.instance.id); a static member does not send
# LeaveGroup when it closes.
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError

bootstrap, topic, group, count, idle = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
assigned = set()


def on_assign(_consumer, partitions):
    for p in partitions:
        assigned.add(p.partition)


consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest',
                     'enable.auto.commit': False, 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500,
                     'topic.metadata.refresh.interval.ms': 1000,
                     **({'group.instance.id': sys.argv[6]} if len(sys.argv) > 6 else {})})
consumer.subscribe([topic], on_assign=on_assign)
seen = 0
last = time.time()
deadline = time.time() + 60
while seen < count and time.time() < deadline:
    msg = consumer.poll(0.2)
    if msg is None:
        if assigned and time.time() - last > idle:
            break
        continue
    if msg.error():
        if msg.error().code() == KafkaError._PARTITION_EOF:
            continue
        sys.exit('consume error: %s' % msg.error())
    last = time.time()
    seen += 1
    print(json.dumps({'partition': msg.partition(), 'offset': msg.offset(), 'value': msg.value().decode()}))
    consumer.commit(message=msg, asynchronous=False)
consumer.close()
print(json.dumps({'assigned': sorted(assigned)}))
