/**
 * Provider call timing, written once for every provider: a Provider wrapped so that each zones(),
 * records() and applyChanges() reports its provider, operation, result and duration. The apps turn
 * the reports into their `zoneguard_provider_request_duration_seconds` histogram.
 */
import type { Provider } from './provider.js';

export type ProviderOperation = 'zones' | 'records' | 'apply_changes';

export interface ProviderCall {
  provider: string;
  operation: ProviderOperation;
  result: 'ok' | 'error';
  seconds: number;
}

export type ProviderObserver = (call: ProviderCall) => void;

const TIMED: Record<string, ProviderOperation> = {
  zones: 'zones',
  records: 'records',
  applyChanges: 'apply_changes',
};

export function observeProvider(provider: Provider, observe: ProviderObserver): Provider {
  return new Proxy(provider, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      const operation = typeof prop === 'string' ? TIMED[prop] : undefined;
      if (typeof value !== 'function') return value;
      // other methods run on the provider itself (private fields, `this` identity)
      if (!operation) return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const start = process.hrtime.bigint();
        const done = (result: 'ok' | 'error') =>
          observe({
            provider: target.name,
            operation,
            result,
            seconds: Number(process.hrtime.bigint() - start) / 1e9,
          });
        try {
          const out: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          done('ok');
          return out;
        } catch (e) {
          done('error');
          throw e;
        }
      };
    },
  });
}
