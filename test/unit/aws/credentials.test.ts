import { describe, expect, it } from 'vitest';
import { credentialProvider, describeCredentialSource } from '../../../electron/engine/aws/credentials.js';

describe('credential sources', () => {
  it('are described without any secret', () => {
    expect(describeCredentialSource({ kind: 'keys', accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 'secret' })).toBe('access key …LE12 saved in Skylift');
    expect(describeCredentialSource({ kind: 'profile', profile: 'prod' })).toBe('AWS profile "prod"');
  });

  it('say which source failed and what to do, for a profile that does not exist', async () => {
    const provider = credentialProvider({ kind: 'profile', profile: 'nope' }, { region: 'us-east-1', profileFiles: { config: '/nonexistent/config', credentials: '/nonexistent/credentials' } });
    await expect(provider()).rejects.toMatchObject({ code: 'CREDENTIALS', message: expect.stringContaining('AWS profile "nope"'), hint: expect.stringContaining('aws sso login --profile nope') });
  });

  it('are resolved once and shared until they near expiry', async () => {
    const provider = credentialProvider({ kind: 'keys', accessKeyId: 'AKIAEXAMPLEEXAMPLE12', secretAccessKey: 'secret' }, { region: 'us-east-1' });
    expect(await provider()).toBe(await provider());
  });
});
