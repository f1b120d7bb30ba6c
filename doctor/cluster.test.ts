import { describe, expect, it } from 'vitest';
import { readClusterObjects, type KubeGet } from './cluster.js';

// a cluster serving Skipper RouteGroups at zalando.org/v1alpha1 only, and no other kind
const get: KubeGet = async (path) =>
  path.startsWith('/apis/zalando.org/v1alpha1/routegroups?')
    ? {
        status: 200,
        body: {
          items: [{ metadata: { name: 'shop', namespace: 'web' }, spec: { hosts: ['shop.example.com'] } }],
        },
      }
    : { status: 404, body: { message: 'the server could not find the requested resource' } };

describe('doctor reads RouteGroups at the version --skipper-routegroup-groupversion names, as the watch does', () => {
  const cases: { name: string; version?: string; found: string[]; note?: string }[] = [
    {
      name: 'default (zalando.org/v1): not served there',
      found: [],
      note: 'RouteGroup (zalando.org/v1) is not served by this cluster',
    },
    {
      name: 'v1alpha1 given: listed and named at that version',
      version: 'v1alpha1',
      found: ['zalando.org/v1alpha1 RouteGroup web/shop'],
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const { objects, notes } = await readClusterObjects(get, 'cluster', c.version);
      expect(
        objects.map(
          ({ obj }) => `${obj.apiVersion} ${obj.kind} ${obj.metadata?.namespace}/${obj.metadata?.name}`,
        ),
      ).toEqual(c.found);
      if (c.note) expect(notes).toContain(c.note);
    });
});
