"""Consume-transform-produce with confluent-kafka (librdkafka) transactions.

Reads every record of IN (group GROUP, read_committed), writes value.upper() to OUT inside a transaction
with the consumed offsets (send_offsets_to_transaction); every third batch is first aborted (consumer
rewound to the last committed offsets) and then redone. Then prints what read_committed and
read_uncommitted consumers of OUT see, one JSON line each.
Usage: confluent_transactions.py BOOTSTRAP IN OUT GROUP COUNT
"""
import json
import sys

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, topic_in, topic_out, group, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
BATCH = 5

consumer = Consumer({
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'auto.offset.reset': 'earliest',
    'enable.auto.commit': False,
    'isolation.level': 'read_committed',
})
consumer.assign([TopicPartition(topic_in, 0, 0)])
producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'ctp-' + group})
producer.init_transactions(30)

done = 0
batch_no = 0
while done < count:
    msgs = consumer.consume(num_messages=BATCH, timeout=10)
    msgs = [m for m in msgs if m.error() is None]
    if not msgs:
        raise SystemExit('no input within 10s')
    producer.begin_transaction()
    for m in msgs:
        producer.produce(topic_out, value=m.value().upper(), partition=0)
    positions = consumer.position([TopicPartition(topic_in, 0)])
    producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata(), 30)
    batch_no += 1
    if batch_no % 3 == 1:
        # Flushed first, so the aborted records reach the log (abort would purge unsent ones).
        producer.flush(30)
        producer.abort_transaction(30)
        committed = consumer.committed([TopicPartition(topic_in, 0)], timeout=10)[0].offset
        consumer.seek(TopicPartition(topic_in, 0, committed if committed >= 0 else 0))
        continue
    producer.commit_transaction(30)
    done += len(msgs)
consumer.close()


def read_all(isolation, expected):
    c = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': group + '-' + isolation,
        'auto.offset.reset': 'earliest',
        'isolation.level': isolation,
        'enable.partition.eof': True,
    })
    c.assign([TopicPartition(topic_out, 0, 0)])
    values = []
    while True:
        m = c.poll(10)
        if m is None:
            break
        if m.error():
            if len(values) >= expected:
                break
            continue
        values.append(m.value().decode())
    c.close()
    return values


committed_values = read_all('read_committed', count)
print(json.dumps({'read_committed': committed_values}))
print(json.dumps({'read_uncommitted': read_all('read_uncommitted', count)}))
print(json.dumps({'committed_offset': Consumer({'bootstrap.servers': bootstrap, 'group.id': group}).committed([TopicPartition(topic_in, 0)], timeout=10)[0].offset}))
