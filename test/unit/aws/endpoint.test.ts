import { describe, expect, it } from 'vitest';
import { validateEndpoint } from '../../../electron/engine/aws/endpoint.js';

describe('endpoint overrides', () => {
  it.each(['http://127.0.0.1:4566', 'http://127.8.9.10', 'http://localhost:9000/', 'http://[::1]:4566', 'https://vpce-0a1b.s3.us-east-1.vpce.amazonaws.com', 'https://10.0.0.5:8443'])('accepts %s', (url) => {
    expect(validateEndpoint(url).href).toBe(new URL(url).href);
  });

  it.each([
    ['http://10.0.0.5:4566', /not on this machine and must use https/],
    ['http://128.0.0.1', /must use https/],
    ['http://localhost.example.com', /must use https/],
    ['ftp://127.0.0.1', /must be http or https/],
    ['https://user:pw@example.com', /must not carry credentials/],
    ['127.0.0.1:4566', /must be http or https|not a URL/],
    ['not a url', /not a URL/],
  ])('refuses %s', (url, message) => {
    expect(() => validateEndpoint(url)).toThrow(message);
  });
});
