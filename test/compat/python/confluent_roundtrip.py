# confluent-kafka (librdkafka 2.0.2): produce keyed records with headers (acks=all, idempotent), then read
# them back from an assigned partition. Prints one JSON line per record.
import json
import sys

from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING

bootstrap, topic, count, codec = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
errors = []
producer = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'enable.idempotence': True,
                     'compression.type': codec, 'linger.ms': 5})


def delivered(err, _msg):
    if err is not None:
        errors.append(str(err))


for i in range(count):
    producer.produce(topic, key=b'k%d' % i, value=b'v%d' % i, partition=0,
                     headers=[('h', b'x%d' % i)], on_delivery=delivered)
    producer.poll(0)
if producer.flush(30) != 0 or errors:
    sys.exit('not all records were delivered: %s' % errors[:3])

consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'compat-confluent',
                     'enable.auto.commit': False, 'enable.partition.eof': True})
consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
seen = 0
while seen < count:
    m = consumer.poll(10)
    if m is None:
        sys.exit('timed out after %d records' % seen)
    if m.error():
        if m.error().code() == -191:  # partition EOF before everything arrived: keep polling
            continue
        sys.exit(str(m.error()))
    print(json.dumps({'partition': m.partition(), 'offset': m.offset(), 'key': m.key().decode(),
                      'value': m.value().decode(),
                      'headers': [[k, v.decode()] for k, v in (m.headers() or [])]}))
    seen += 1
consumer.close()
