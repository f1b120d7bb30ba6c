/** The CRD schemas zoneguard compiles are valid schemas: the module compiles them without that check, for start-up time. */
import { Ajv } from 'ajv';
import { expect, it } from 'vitest';
import { DNSENDPOINT_SCHEMA } from './dnsendpoint.js';
import { ZONEPOLICY_SCHEMA } from '../policy/schema.js';

const rows: [string, object][] = [
  ['DNSEndpoint', DNSENDPOINT_SCHEMA],
  ['ZonePolicy', ZONEPOLICY_SCHEMA],
];
for (const [name, schema] of rows)
  it(`${name}: valid under ajv's meta-schema`, () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(schema), ajv.errorsText()).toBe(true);
  });
