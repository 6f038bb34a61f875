/**
 * Auto layout: the ELK input, the placement of new steps, and a real elkjs run.
 */
import { computeLayout } from '../editor/layout';
import {
  buildLayoutInput,
  NODE_WIDTH,
  placeMissing
} from '../editor/layoutGraph';
import { IPipelineDocument } from '../editor/pipelineFormat';

// Node has no web workers: the layout runs on elkjs's in-thread build (the same algorithm).
jest.mock('../editor/layoutWorker', () => ({
  createLayoutEngine: () => {
    const ELK = jest.requireActual('elkjs/lib/elk.bundled.js');
    return new (ELK.default ?? ELK)();
  }
}));

const diamond: IPipelineDocument = {
  version: 1,
  steps: [
    { id: 'load', notebook: 'load.ipynb' },
    { id: 'left', notebook: 'l.ipynb', depends_on: ['load'] },
    { id: 'right', notebook: 'r.ipynb', depends_on: ['load', 'missing'] },
    { id: 'report', notebook: 'rep.ipynb', depends_on: ['left', 'right'] }
  ]
};

describe('layout input', () => {
  it('has one node per step and one edge per known dependency', () => {
    const input = buildLayoutInput(diamond, 'left-to-right');
    expect(input.children.map(c => c.id)).toEqual([
      'load',
      'left',
      'right',
      'report'
    ]);
    expect(input.edges.map(e => `${e.sources[0]}>${e.targets[0]}`)).toEqual([
      'load>left',
      'load>right',
      'left>report',
      'right>report'
    ]);
    expect(input.layoutOptions['elk.direction']).toBe('RIGHT');
    expect(
      buildLayoutInput(diamond, 'top-to-bottom').layoutOptions['elk.direction']
    ).toBe('DOWN');
  });

  it('places only the steps without a position, shifted like the placed ones', () => {
    const doc: IPipelineDocument = {
      version: 1,
      steps: [
        { id: 'a', notebook: 'a.ipynb', position: { x: 1000, y: 500 } },
        { id: 'b', notebook: 'b.ipynb', depends_on: ['a'] }
      ]
    };
    const computed = new Map([
      ['a', { x: 0, y: 0 }],
      ['b', { x: 300, y: 10 }]
    ]);
    expect([...placeMissing(doc, computed)]).toEqual([
      ['b', { x: 1300, y: 510 }]
    ]);
  });
});

describe('elk layout', () => {
  it('puts dependencies left of their dependents', async () => {
    const positions = await computeLayout(diamond, 'left-to-right');
    const x = (id: string) => positions.get(id)!.x;
    expect(x('load') + NODE_WIDTH).toBeLessThanOrEqual(x('left'));
    expect(x('left') + NODE_WIDTH).toBeLessThanOrEqual(x('report'));
    expect(positions.get('left')!.y).not.toBe(positions.get('right')!.y);
  });

  it('puts dependencies above their dependents top to bottom', async () => {
    const positions = await computeLayout(diamond, 'top-to-bottom');
    expect(positions.get('load')!.y).toBeLessThan(positions.get('report')!.y);
  });
});
