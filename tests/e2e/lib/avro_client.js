// avro_client.js: the npm clients the AVRO e2e tests (08xx) drive sluiced with -- kafkajs and
// @kafkajs/confluent-schema-registry, a Kafka client and a registry client we did not write.
// Usage (NODE_PATH must reach tests/e2e/node/node_modules):
//   node avro_client.js produce BOOTSTRAP REGISTRY TOPIC SCHEMA_JSON RECORDS_JSON
//       registers SCHEMA_JSON under TOPIC-value with the package, encodes each record of the
//       RECORDS_JSON array ({"key": string|null, "value": object}) and produces it; prints the id
//   node avro_client.js consume BOOTSTRAP REGISTRY TOPIC N
//       reads TOPIC from the beginning until N records (60 s at most), decodes each value with
//       the package and prints one JSON line per record: {"key": ..., "value": ..., "schemaId": ...}
//   node avro_client.js register REGISTRY SUBJECT SCHEMA_JSON
//       registers with the package; prints {"id": N} or {"status": HTTP, "message": ...}
const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry');

function replacer(k, v) {
  if (typeof v === 'bigint') return Number(v);
  if (v && v.type === 'Buffer' && Array.isArray(v.data)) return { bytes: v.data };
  return v;
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'register') {
    const [url, subject, schema] = args;
    const registry = new SchemaRegistry({ host: url });
    try {
      const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
      console.log(JSON.stringify({ id }));
    } catch (e) {
      console.log(JSON.stringify({ status: e.status, message: e.message }));
    }
    return;
  }
  const [bootstrap, url, topic] = args;
  const kafka = new Kafka({ clientId: 'sluice-e2e', brokers: [bootstrap], logLevel: logLevel.ERROR });
  const registry = new SchemaRegistry({ host: url });
  if (cmd === 'produce') {
    const schema = args[3];
    const records = JSON.parse(args[4]);
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: `${topic}-value` });
    const producer = kafka.producer();
    await producer.connect();
    const messages = [];
    for (const r of records) {
      const value = r.value;
      // BYTES / decimal fields are given as {"bytes": [...]} in JSON
      for (const [k, v] of Object.entries(value)) if (v && v.bytes) value[k] = Buffer.from(v.bytes);
      messages.push({ key: r.key, value: await registry.encode(id, value) });
    }
    await producer.send({ topic, messages });
    await producer.disconnect();
    console.log(JSON.stringify({ id }));
  } else if (cmd === 'consume') {
    const n = parseInt(args[3], 10);
    const consumer = kafka.consumer({ groupId: `sluice-e2e-${process.pid}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const out = [];
    let done;
    const finished = new Promise((resolve) => { done = resolve; });
    const timer = setTimeout(() => done(), 60000);
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = message.value ? await registry.decode(message.value) : null;
        const schemaId = message.value ? message.value.readInt32BE(1) : null;
        out.push({ key: message.key ? message.key.toString('hex') : null, value, schemaId });
        if (out.length >= n) done();
      },
    });
    await finished;
    clearTimeout(timer);
    await consumer.disconnect();
    for (const r of out) console.log(JSON.stringify(r, replacer));
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
