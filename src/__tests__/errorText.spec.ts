import { errorForClipboard, firstLine, shortenPaths } from '../runs/errorText';

describe('error text', () => {
  it('summarises a message by its first non-empty line', () => {
    expect(firstLine('\nAll the 5 fits failed.\nIt is very likely...')).toBe(
      'All the 5 fits failed.'
    );
    expect(firstLine('')).toBe('');
  });

  it('shortens site-packages and workspace paths', () => {
    const traceback =
      'File "/work/main/.venv/lib/python3.11/site-packages/sklearn/base.py", line 1393\n' +
      'File "/srv/ws/wine/train.py", line 2\n' +
      'File "/usr/lib/python3/dist-packages/x.py", line 1';
    expect(shortenPaths(traceback, '/srv/ws')).toBe(
      'File "site-packages/sklearn/base.py", line 1393\n' +
        'File "wine/train.py", line 2\n' +
        'File "dist-packages/x.py", line 1'
    );
    expect(shortenPaths('/srv/ws/a', '/')).toBe('/srv/ws/a');
  });

  it('copies the whole error', () => {
    expect(
      errorForClipboard({ name: 'ValueError', message: 'bad', traceback: 'T' })
    ).toBe('ValueError: bad\n\nT');
    expect(errorForClipboard({ name: 'KeyError', message: '' })).toBe(
      'KeyError'
    );
  });
});
