/** Typed errors: a verdict is data, an error is one of these. */

/** Bad configuration: the CLI exits 2 with this message, which names the flag. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`--${flag}: ${message}`);
  }
}

/** Unreadable or malformed input: names the file (and line) or the object and field. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    readonly location?: { file?: string; line?: number; column?: number; object?: string; field?: string },
  ) {
    super(message);
  }
}

/** A provider call failed. `retryable` tells the loop whether backing off and trying again can help. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly provider: string,
    message: string,
    readonly retryable: boolean,
    override readonly cause?: unknown,
  ) {
    super(`${provider}: ${message}`);
  }
}

/**
 * Work given up because the process is stopping (SIGTERM): a provider's writes that were still
 * waiting to be sent, or to be retried after a backoff. What was sent stays sent; the next sync (or
 * leader) sends the rest.
 */
export class StoppedError extends Error {
  override readonly name = 'StoppedError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** A TXT value that is not an external-dns ownership record (external-dns's ErrInvalidHeritage). */
export class InvalidHeritageError extends Error {
  override readonly name = 'InvalidHeritageError';
  constructor(readonly value: string) {
    super('TXT value is not an external-dns ownership record');
  }
}
