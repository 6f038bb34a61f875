import {
  errorForClipboard,
  firstLine,
  shortenPaths,
  sourcePreview,
  stripAnsi
} from '../runs/errorText';

/** Frames of a traceback as IPython 9 colours them (ipykernel 7, as papermill passes it on). */
const COLOURED =
  '\x1b[31m---------------------------------------------------------------------------\x1b[39m\n' +
  '\x1b[31mValueError\x1b[39m                                Traceback (most recent call last)\n' +
  '\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[1]\x1b[39m\x1b[32m, line 4\x1b[39m\n' +
  '\x1b[32m----> \x1b[39m\x1b[32m4\x1b[39m fit(-\x1b[32m5\x1b[39m)\n' +
  '\x1b[36mFile \x1b[39m\x1b[32m/srv/ws/.venv/lib/python3.12/site-packages/sklearn/base.py:1393\x1b[39m, in \x1b[36mfit\x1b[39m\x1b[34m(n)\x1b[39m\n' +
  '\x1b[32m--> \x1b[39m\x1b[32m346\x1b[39m     \x1b[38;5;28;01mreturn\x1b[39;00m \x1b[30;43m_decode\x1b[39;49m\n' +
  '\x1b[36mFile \x1b[39m\x1b[32m/srv/ws/wine/helpers.py:2\x1b[39m\n' +
  '\x1b[31mValueError\x1b[39m: n_estimators must be positive';

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

  it('shortens paths in a coloured traceback and keeps its colours', () => {
    const shortened = shortenPaths(COLOURED, '/srv/ws');
    expect(shortened).toContain(
      'File \x1b[39m\x1b[32msite-packages/sklearn/base.py:1393\x1b[39m, in'
    );
    expect(shortened).toContain(
      'File \x1b[39m\x1b[32mwine/helpers.py:2\x1b[39m\n'
    );
    expect(stripAnsi(shortened)).toBe(
      stripAnsi(shortenPaths(stripAnsi(COLOURED), '/srv/ws'))
    );
  });

  it('removes colour and other terminal escapes for plain text', () => {
    expect(stripAnsi(COLOURED)).toContain(
      '----> 4 fit(-5)\nFile /srv/ws/.venv/lib/python3.12/site-packages/sklearn/base.py:1393, in fit(n)\n'
    );
    expect(stripAnsi(COLOURED)).toContain(
      'File /srv/ws/wine/helpers.py:2\nValueError: n_estimators must be positive'
    );
    expect(stripAnsi(COLOURED)).not.toContain('\x1b');
    expect(
      stripAnsi(
        '\x1b]8;;file:///a.py\x1b\\a.py\x1b]8;;\x1b\\ \x1b[1;38;5;208mx\x1b[0m'
      )
    ).toBe('a.py x');
    expect(stripAnsi('plain [31m text')).toBe('plain [31m text');
  });

  it("shows a failing cell's first five lines, marking a cut", () => {
    const cell = ['a = 1', 'b = 2', '', '  c = 3', 'd = 4', 'e = 5', 'f = 6'];
    expect(sourcePreview(cell.join('\n'))).toEqual([...cell.slice(0, 5), '…']);
    expect(sourcePreview(cell.slice(0, 5).join('\n'))).toEqual(
      cell.slice(0, 5)
    );
    expect(sourcePreview(null)).toEqual([]);
    expect(sourcePreview(undefined)).toEqual([]);
  });

  it('copies the whole error', () => {
    expect(
      errorForClipboard({ name: 'ValueError', message: 'bad', traceback: 'T' })
    ).toBe('ValueError: bad\n\nT');
    expect(errorForClipboard({ name: 'KeyError', message: '' })).toBe(
      'KeyError'
    );
    const copied = errorForClipboard({
      name: 'ValueError',
      message: 'n_estimators must be positive',
      traceback: COLOURED
    });
    expect(copied).not.toContain('\x1b');
    expect(copied).toContain('\nValueError: n_estimators must be positive');
  });
});
