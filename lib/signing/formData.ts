/**
 * Serialises a platform FormData to multipart/form-data bytes once, with a boundary chosen
 * here, so the body that is hashed is the body that is sent (a FormData handed to an adapter
 * would be serialised again, with a boundary of the platform's choosing).
 * Ref: RFC 7578, and the HTML standard's multipart/form-data encoding algorithm.
 */

const encoder = new TextEncoder();

/** Name and filename escaping of the HTML standard: `"` → %22, CR → %0D, LF → %0A. */
const escapeName = (value: string): string =>
  value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** String values have their line breaks normalised to CRLF, as browsers send them. */
const normaliseLineBreaks = (value: string): string => value.replace(/\r\n|\r|\n/g, '\r\n');

function randomBoundary(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `----apig-signer-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export async function serializeFormData(
  form: FormData,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const boundary = randomBoundary();
  const chunks: Uint8Array[] = [];
  for (const [name, value] of form.entries()) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"`;
    if (typeof value === 'string') {
      chunks.push(encoder.encode(`${head}\r\n\r\n${normaliseLineBreaks(value)}\r\n`));
      continue;
    }
    const filename = (value as Blob & { name?: string }).name ?? 'blob';
    head += `; filename="${escapeName(filename)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
    chunks.push(
      encoder.encode(head),
      new Uint8Array(await value.arrayBuffer()),
      encoder.encode('\r\n'),
    );
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));

  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, contentType: `multipart/form-data; boundary=${boundary}` };
}
