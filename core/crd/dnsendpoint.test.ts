import { describe, expect, it } from 'vitest';
import { dnsEndpointSchemaProblems } from './dnsendpoint.js';

const ep = (spec: unknown, status?: unknown) => ({
  apiVersion: 'externaldns.k8s.io/v1alpha1',
  kind: 'DNSEndpoint',
  metadata: { name: 'x' },
  spec,
  ...(status === undefined ? {} : { status }),
});

describe('DNSEndpoint CRD schema (what the API server refuses, said offline)', () => {
  const cases: { name: string; obj: unknown; want: string[] }[] = [
    {
      name: 'a well-formed object',
      obj: ep({
        endpoints: [
          {
            dnsName: 'a.example.com',
            recordType: 'A',
            targets: ['192.0.2.1'],
            recordTTL: 300,
            labels: { team: 'a' },
            providerSpecific: [{ name: 'alias', value: 'true' }],
          },
        ],
      }),
      want: [],
    },
    { name: 'no spec at all (nothing to refuse)', obj: ep(undefined), want: [] },
    {
      name: 'endpoints not a list',
      obj: ep({ endpoints: { dnsName: 'a.example.com' } }),
      want: ['spec.endpoints must be a list, not a mapping'],
    },
    {
      name: 'a TTL written as text',
      obj: ep({ endpoints: [{ dnsName: 'a.example.com', targets: ['192.0.2.1'], recordTTL: '300' }] }),
      want: ['spec.endpoints[0].recordTTL must be a whole number, not a "300"'],
    },
    {
      name: 'a fractional TTL',
      obj: ep({ endpoints: [{ dnsName: 'a.example.com', targets: ['192.0.2.1'], recordTTL: 1.5 }] }),
      want: ['spec.endpoints[0].recordTTL must be a whole number, not the number 1.5'],
    },
    {
      name: 'a target that is not text',
      obj: ep({ endpoints: [{ dnsName: 'a.example.com', targets: ['192.0.2.1', 7] }] }),
      want: ['spec.endpoints[0].targets[1] must be a string, not the number 7'],
    },
    {
      name: 'a label value that is not text',
      obj: ep({ endpoints: [{ dnsName: 'a.example.com', targets: [], labels: { ready: true } }] }),
      want: ['spec.endpoints[0].labels.ready must be a string, not the boolean true'],
    },
    {
      name: 'providerSpecific as a mapping',
      obj: ep({ endpoints: [{ dnsName: 'a.example.com', providerSpecific: { alias: 'true' } }] }),
      want: ['spec.endpoints[0].providerSpecific must be a list, not a mapping'],
    },
    {
      name: 'a condition without status',
      obj: ep({ endpoints: [] }, { conditions: [{ type: 'Ready' }] }),
      want: ['status.conditions[0].status is required'],
    },
    {
      name: 'a condition status out of its enum',
      obj: ep({ endpoints: [] }, { conditions: [{ type: 'Ready', status: 'yes' }] }),
      want: ['status.conditions[0].status must be one of True, False, Unknown, not a "yes"'],
    },
    {
      name: 'several problems, each once',
      obj: ep({ endpoints: [{ dnsName: 5, targets: 'x' }, 'y'] }),
      want: [
        'spec.endpoints[0].dnsName must be a string, not the number 5',
        'spec.endpoints[0].targets must be a list, not a "x"',
        'spec.endpoints[1] must be a mapping, not a "y"',
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(dnsEndpointSchemaProblems(c.obj).map((p) => `${p.field} ${p.message}`)).toEqual(c.want);
    });
  }
});
