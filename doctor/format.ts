/** The doctor report as text: one line per finding, then the verdict. */
import type { DoctorReport, StepStatus } from './types.js';

const MARK: Record<StepStatus, string> = {
  ok: 'ok  ',
  warn: 'WARN',
  fail: 'FAIL',
  info: 'info',
  skip: 'skip',
};

export function formatReport(r: DoctorReport): string {
  const lines = [`zoneguard doctor ${r.host} (owner id "${r.ownerId}", policy ${r.policy})`];
  const width = Math.max(...r.steps.map((s) => s.step.length));
  for (const s of r.steps) lines.push(`  ${s.step.padEnd(width)}  ${MARK[s.status]}  ${s.detail}`);
  lines.push(
    `verdict: ${r.verdict.status === 'ok' ? 'OK' : r.verdict.status.toUpperCase()}: ${r.verdict.message}`,
  );
  return lines.join('\n') + '\n';
}
