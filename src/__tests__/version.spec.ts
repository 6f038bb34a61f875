import {
  compareWithServer,
  FRONTEND_VERSION,
  normalizeVersion
} from '../version';

describe('server version check', () => {
  it('reads the frontend version from package.json', () => {
    expect(FRONTEND_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('accepts the same release spelled the Python and the npm way', () => {
    expect(normalizeVersion('0.2.0-alpha.1')).toBe(normalizeVersion('0.2.0a1'));
    expect(compareWithServer('0.2.0-rc.1', '0.2.0rc1')).toEqual({
      kind: 'ok',
      version: '0.2.0rc1'
    });
  });

  it('reports a mismatch with both versions', () => {
    expect(compareWithServer('0.1.0', '0.2.0')).toEqual({
      kind: 'mismatch',
      frontend: '0.1.0',
      server: '0.2.0'
    });
  });
});
