import type { IncomingHttpHeaders } from 'node:http';
import { AwsFault } from './errors.js';

/** Decodes an `aws-chunked` body (what the S3 client streams when it adds a trailing checksum):
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailer: value>\r\n\r\n`. */
export function decodeAwsChunked(body: Buffer, headers: IncomingHttpHeaders): { body: Buffer; trailers: Record<string, string> } {
  const encoding = String(headers['content-encoding'] ?? '');
  const declared = String(headers['x-amz-content-sha256'] ?? '');
  if (!encoding.includes('aws-chunked') && !declared.startsWith('STREAMING-')) return { body, trailers: {} };
  const parts: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new AwsFault('IncompleteBody', 'aws-chunked body ended before its final chunk', 400);
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (Number.isNaN(size)) throw new AwsFault('InvalidChunkSizeError', 'aws-chunked chunk size is not hexadecimal', 400);
    offset = lineEnd + 2;
    if (size === 0) break;
    parts.push(body.subarray(offset, offset + size));
    offset += size + 2;
  }
  for (const line of body.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const decoded = Buffer.concat(parts);
  const length = headers['x-amz-decoded-content-length'];
  if (length !== undefined && Number(length) !== decoded.length) {
    throw new AwsFault('IncompleteBody', `x-amz-decoded-content-length says ${String(length)} bytes, the chunks carried ${decoded.length}`, 400);
  }
  return { body: decoded, trailers };
}
