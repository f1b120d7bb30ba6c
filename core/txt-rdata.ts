/**
 * TXT record data (RFC 1035 §3.3.14): character-strings of at most 255 bytes, quoted in the
 * presentation format that Route 53, Cloud DNS and Cloudflare use, raw on the wire (RFC 2136),
 * plain strings in Azure. Written once for every provider.
 */
/** Splits a TXT text into character-strings of at most 255 bytes, never inside a UTF-8 sequence. */
export function txtStrings(text: string): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return [Buffer.alloc(0)];
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length;) {
    let end = Math.min(i + 255, bytes.length);
    while (end < bytes.length && end > i && (bytes[end] & 0xc0) === 0x80) end--;
    out.push(bytes.subarray(i, end));
    i = end;
  }
  return out;
}

/** One character-string in zone-file presentation: quoted, with \\ and \" escaped. */
export function quoteCharacterString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Quotes a TXT text as one or more "character-strings" of at most 255 bytes each. */
export function quoteTxt(text: string): string {
  return txtStrings(text)
    .map((c) => quoteCharacterString(c.toString('utf8')))
    .join(' ');
}

/** Reads TXT rdata as quoted character-strings (joined) or, if unquoted, as it is. */
export function unquoteTxt(rdata: string): string {
  const s = rdata.trim();
  if (!s.startsWith('"')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '"') {
      i++;
      continue;
    }
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) {
        const m = /^\d{3}/.exec(s.slice(i + 1, i + 4));
        if (m) {
          out += String.fromCharCode(Number(m[0]));
          i += 4;
          continue;
        }
        out += s[i + 1];
        i += 2;
        continue;
      }
      out += s[i++];
    }
    i++;
  }
  return out;
}
