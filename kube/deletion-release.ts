/**
 * Releasing a deletion-guard hold by annotating the reconciler's Lease:
 *   kubectl annotate lease zoneguard-reconciler zoneguard.io/release-deletions=<held count>
 * The value must equal the number of held deletions (the Event, log line and /readyz name it), so
 * an approval given for one hold never releases a different, larger one. Once the deletes are
 * applied the annotation is removed.
 */
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../core/log.js';
import { RELEASE_ANNOTATION, type DeletionHold, type DeletionRelease } from '../core/deletion-guard.js';
import { apiStatusCode as statusCode } from './client.js';

export class LeaseDeletionRelease implements DeletionRelease {
  readonly name: string;
  private readonly api: CoordinationV1Api;

  constructor(
    kc: KubeConfig,
    private readonly namespace: string,
    private readonly lease: string,
    private readonly logger: Logger,
  ) {
    this.api = kc.makeApiClient(CoordinationV1Api);
    this.name = `annotation ${RELEASE_ANNOTATION} on Lease ${namespace}/${lease}`;
  }

  private async value(): Promise<string | undefined> {
    try {
      const l = await this.api.readNamespacedLease({ namespace: this.namespace, name: this.lease });
      return l.metadata?.annotations?.[RELEASE_ANNOTATION];
    } catch (e) {
      if (statusCode(e) !== 404)
        this.logger.warn(
          { lease: `${this.namespace}/${this.lease}`, err: (e as Error).message },
          'deletion release: lease read failed',
        );
      return undefined;
    }
  }

  async approves(hold: DeletionHold): Promise<boolean> {
    const v = (await this.value())?.trim();
    if (v === undefined) return false;
    if (v === String(hold.count)) return true;
    this.logger.warn(
      { lease: `${this.namespace}/${this.lease}`, annotation: v, held: hold.count },
      'deletion release: annotation does not match the held count; not released',
    );
    return false;
  }

  async consumed(): Promise<void> {
    // read-modify-write with the resourceVersion; the leader's renewals may race with it
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const l = await this.api.readNamespacedLease({ namespace: this.namespace, name: this.lease });
        const annotations = { ...(l.metadata?.annotations ?? {}) };
        if (!(RELEASE_ANNOTATION in annotations)) return;
        delete annotations[RELEASE_ANNOTATION];
        await this.api.replaceNamespacedLease({
          namespace: this.namespace,
          name: this.lease,
          body: { ...l, metadata: { ...l.metadata, annotations } },
        });
        return;
      } catch (e) {
        if (statusCode(e) === 409) continue;
        this.logger.warn(
          { lease: `${this.namespace}/${this.lease}`, err: (e as Error).message },
          'deletion release: could not remove the annotation',
        );
        return;
      }
    }
  }
}
