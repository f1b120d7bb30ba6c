/**
 * The manifest source (-f): objects from files and directories, read as `kubectl apply -f` would
 * (core/manifests.ts), for GitOps pipelines and `zoneguard demo`'s embedded default. The files are
 * read again at the start of every sync; a read that fails (a file being rewritten, malformed YAML)
 * keeps the objects of the last good read and is logged.
 */
import { loadManifests } from '../core/manifests.js';
import type { Logger } from '../core/log.js';
import type { KubeObject } from '../core/model/objects.js';
import type { Source } from '../core/model/source.js';

export class FileSource implements Source {
  readonly name = 'files';
  readonly live = false;
  private current: KubeObject[] = [];

  constructor(
    private readonly paths: readonly string[],
    private readonly logger?: Logger,
  ) {}

  /** The first read must succeed: a bad path or malformed manifest is an InputError. */
  async start(): Promise<void> {
    this.load();
  }

  private load(): void {
    this.current = loadManifests(this.paths).map((l) => l.obj);
  }

  /** Called by the loop as a sync starts, so the sync sees the files as they are now. */
  async refresh(): Promise<void> {
    try {
      this.load();
    } catch (e) {
      this.logger?.warn(
        { err: (e as Error).message, files: this.paths },
        'manifest read failed; keeping the last good read',
      );
    }
  }

  objects(): KubeObject[] {
    return this.current;
  }

  /** Files are not watched: every sync reads them (so every --interval at the latest). */
  onChange(): void {}

  async stop(): Promise<void> {}
}
