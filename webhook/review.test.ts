import { describe, expect, it } from 'vitest';
import { reviewResponse, reviewResponseText } from './review.js';

describe('reviewResponseText', () => {
  // the template for the usual answer must be byte for byte what JSON.stringify writes
  const cases: { name: string; uid: string; verdict: Parameters<typeof reviewResponse>[1] }[] = [
    { name: 'allowed', uid: '0b9b5c1e-7d3a-4a8e-9c51-4f0c2f7d9a10', verdict: { allowed: true } },
    { name: 'allowed, empty warnings', uid: 'u1', verdict: { allowed: true, warnings: [] } },
    { name: 'uid needing escapes', uid: 'a"b\\c\n\u0001\u2028é😀', verdict: { allowed: true } },
    {
      name: 'allowed with warnings (control characters made spaces)',
      uid: 'u2',
      verdict: { allowed: true, warnings: ['a.example.com: ttl: low', 'tab\there'] },
    },
    {
      name: 'denied',
      uid: 'u3',
      verdict: { allowed: false, message: 'Ingress default/x denied by zoneguard: …', warnings: [] },
    },
    { name: 'denied without a message', uid: 'u4', verdict: { allowed: false } },
  ];
  it.each(cases)('$name', ({ uid, verdict }) => {
    expect(reviewResponseText(uid, verdict)).toBe(JSON.stringify(reviewResponse(uid, verdict)));
    expect(JSON.parse(reviewResponseText(uid, verdict)).response.uid).toBe(uid);
  });
});
