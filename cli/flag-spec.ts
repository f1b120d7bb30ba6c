/** The shape of one flag of the table (cli/flags.ts). */
export type FlagType = 'string' | 'strings' | 'boolean' | 'int' | 'number' | 'duration' | 'enum' | 'regex';

export interface FlagSpec {
  /** kebab-case, as on the command line without the dashes: `domain-filter`. */
  name: string;
  type: FlagType;
  help: string;
  default?: string | number | boolean | readonly string[];
  /** For `enum`. */
  choices?: readonly string[];
  /** Secret values are never printed (help shows no example, logs redact them). */
  secret?: boolean;
  /** A different default for some commands (`--metrics-address`: :7979 for reconcile, off for webhook). */
  commandDefaults?: Readonly<Record<string, string>>;
  /** Commands that accept the flag; undefined means every command. */
  commands?: readonly string[];
  short?: string;
  /** Extra check on the parsed value; returns an error message or undefined. */
  check?: (value: unknown) => string | undefined;
  /** For `strings`: false keeps each value whole (a template may contain commas); default: split on commas. */
  split?: boolean;
  /** Minimum for int/number/duration. */
  min?: number;
  /** Maximum for number. */
  max?: number;
}
