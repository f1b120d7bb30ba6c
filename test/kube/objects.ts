/** Objects as a user applies them, for tests that drive the fake API server. */
import type { KubeObject } from '../../core/model/objects.js';

/** An Ingress in `default` for one host, already given its load balancer's address. */
export const ingress = (name: string, host: string, ip: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default' },
  spec: { rules: [{ host }] },
  status: { loadBalancer: { ingress: [{ ip }] } },
});
