/**
 * "Export Pipeline…": what the dialog refuses, and the request it sends.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import {
  baseName,
  exportBody,
  formProblems,
  initialForm
} from '../exporting/exportForm';

const substitute = (text: string, args: unknown[]) =>
  text.replace(/%(\d+)/g, (_, index) => String(args[Number(index) - 1]));
const trans = {
  __: (text: string, ...args: unknown[]) => substitute(text, args)
} as unknown as TranslationBundle;

describe('formProblems', () => {
  it('asks nothing of a script export', () => {
    expect(formProblems(initialForm(), trans)).toEqual({});
  });

  it('needs an image for Argo, without spaces', () => {
    const argo = initialForm({ format: 'argo' });
    expect(Object.keys(formProblems(argo, trans))).toEqual(['image']);
    expect(formProblems({ ...argo, image: '  ' }, trans).image).toContain(
      'container image'
    );
    expect(formProblems({ ...argo, image: 'a b:1' }, trans).image).toBe(
      'An image name has no spaces: a b:1'
    );
    expect(formProblems({ ...argo, image: 'ghcr.io/a/b:1' }, trans)).toEqual(
      {}
    );
  });

  it('takes Kubernetes names as volume claims, or none (the default)', () => {
    const argo = initialForm({ format: 'argo', image: 'img:1' });
    for (const claim of ['Team', 'team_nb', '-team', 'team-', 'x'.repeat(64)]) {
      expect(
        formProblems({ ...argo, volumeClaim: claim }, trans).volumeClaim
      ).toContain('lower-case');
    }
    for (const claim of ['', 'team-notebooks', 'nb1', 'x'.repeat(63)]) {
      expect(formProblems({ ...argo, volumeClaim: claim }, trans)).toEqual({});
    }
  });
});

describe('exportBody', () => {
  it('sends only the path and format for a script', () => {
    const form = initialForm({ image: 'left:1', volumeClaim: 'over' });
    expect(exportBody('sub/p.pipeline.json', form)).toEqual({
      path: 'sub/p.pipeline.json',
      format: 'script'
    });
  });

  it('sends the trimmed image, and the claim only when given', () => {
    const form = initialForm({ format: 'argo', image: ' img:1 ' });
    expect(exportBody('p.pipeline.json', form)).toEqual({
      path: 'p.pipeline.json',
      format: 'argo',
      image: 'img:1'
    });
    expect(
      exportBody('p.pipeline.json', { ...form, volumeClaim: ' nb ' })
    ).toEqual({
      path: 'p.pipeline.json',
      format: 'argo',
      image: 'img:1',
      volume_claim: 'nb'
    });
  });
});

describe('baseName', () => {
  it('is the last part of a path', () => {
    expect(baseName('a/b/wine.pipeline.json')).toBe('wine.pipeline.json');
    expect(baseName('wine.pipeline.json')).toBe('wine.pipeline.json');
  });
});
