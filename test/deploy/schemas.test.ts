/** The OpenAPI check the render tests rely on finds a wrong field, not only accepts good objects. */
import { describe, expect, it } from 'vitest';
import { openApiErrors } from './schemas.js';

const deployment = (spec: unknown) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'x', namespace: 'ns' },
  spec,
});
const template = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };

describe('openApiErrors', () => {
  const rows: { name: string; obj: { apiVersion?: unknown; kind?: unknown }; errors: RegExp[] }[] = [
    {
      name: 'a valid Deployment',
      obj: deployment({ replicas: 2, selector: { matchLabels: { app: 'x' } }, template }),
      errors: [],
    },
    {
      name: 'replicas of the wrong type',
      obj: deployment({ replicas: 'two', selector: { matchLabels: { app: 'x' } }, template }),
      errors: [/^\/spec\/replicas: must be integer/],
    },
    {
      name: 'a required field missing (selector)',
      obj: deployment({ template }),
      errors: [/^\/spec: must have required property '?selector/],
    },
    {
      name: 'a kind without a registered schema',
      obj: { apiVersion: 'v1', kind: 'Pod' },
      errors: [/^no OpenAPI schema registered for v1\/Pod$/],
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const got = openApiErrors(row.obj);
      expect(got).toHaveLength(row.errors.length);
      row.errors.forEach((re, i) => expect(got[i]).toMatch(re));
    });
});
