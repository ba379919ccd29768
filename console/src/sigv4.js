// AWS Signature Version 4 in the page, with WebCrypto, exactly as every other datamesh client
// signs (src/aws/sigv4.h): service "datamesh", the server's region, the headers host,
// content-type, x-amz-content-sha256 and x-amz-date. The browser sets Host itself (the page's
// own host and port, which the server verifies as sent) and forbids a Date header, hence
// X-Amz-Date.
//
// The secret is used once, at sign-in, to derive the day's signing key
// (kDate -> kRegion -> kService -> kSigning); only that key is kept (session.js).
const encoder = new TextEncoder();
export const kService = 'datamesh';

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(text) {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmac(keyBytes, text) {
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' },
                                            false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
}

// "YYYYMMDDTHHMMSSZ" of `date` (UTC, whole seconds).
export function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

// The raw signing key of `secret` for the UTC day `date8` (YYYYMMDD), as hex.
export async function deriveSigningKey(secret, date8, region) {
  const kDate = await hmac(encoder.encode(`AWS4${secret}`), date8);
  const kRegion = await hmac(kDate, region);
  const kService = await hmac(kRegion, 'datamesh');
  return hex(await hmac(kService, 'aws4_request'));
}

function bytesOfHex(text) {
  return new Uint8Array(text.match(/../g).map((b) => parseInt(b, 16)));
}

// The headers to send with a POST of `body` to `path` on `host`, signed with the derived key
// `signing` ({accessKeyId, date8, region, keyHex}) as of `now`. Throws when `now` is not the
// key's day (the caller's session has then expired).
export async function signedHeaders({ path, host, body, signing, now }) {
  const date = amzDate(now);
  if (date.slice(0, 8) !== signing.date8) throw new Error('signing key is for another day');
  const payloadHash = await sha256Hex(body);
  const headers = {
    'content-type': 'application/json',
    host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': date,
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', path, '', ...names.map((n) => `${n}:${headers[n]}`), '',
                     names.join(';'), payloadHash].join('\n');
  const scope = `${signing.date8}/${signing.region}/${kService}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, await sha256Hex(canonical)].join('\n');
  const signature = hex(await hmac(bytesOfHex(signing.keyHex), toSign));
  return {
    'Content-Type': headers['content-type'],
    'X-Amz-Content-Sha256': payloadHash,
    'X-Amz-Date': date,
    Authorization: `AWS4-HMAC-SHA256 Credential=${signing.accessKeyId}/${scope}, ` +
                   `SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
