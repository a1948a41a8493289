# kafka-python 2.0.2 group consumer (JoinGroup v2, OffsetCommit v2 against a modern broker): reads until
# `count` records were seen, commits, closes. Prints one JSON line per record.
import json
import sys

from kafka import KafkaConsumer

bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500,
                         consumer_timeout_ms=30000)
seen = 0
for msg in consumer:
    print(json.dumps({'partition': msg.partition, 'offset': msg.offset, 'value': msg.value.decode()}))
    seen += 1
    if seen >= count:
        break
consumer.commit()
consumer.close()
if seen < count:
    sys.exit('only %d of %d records' % (seen, count))
