/**
 * The catalog view's model with a fake catalog source and a fake run service: listing,
 * selecting an entry (its current version, across refreshes) or one version, refreshing when a
 * run of the pipeline ends, and stale answers ignored.
 */
import { Signal } from '@lumino/signaling';

import type { ICatalogEntry, ICatalogPreview } from '../catalog/dto';
import { CatalogModel, defaultVersion, ICatalogSource } from '../catalog/model';
import type { IRunFinished, IRunService } from '../tokens';

const PIPELINE = 'sub/wine.pipeline.json';
const sha = (seed: string) => seed.repeat(64).slice(0, 64);

function entry(
  name: string,
  versions: string[],
  current?: string | null
): ICatalogEntry {
  return {
    name,
    current:
      current === undefined ? sha(versions[versions.length - 1]) : current,
    versions: versions.map(seed => ({
      sha256: sha(seed),
      size: 10,
      format: 'json',
      file: `${name}.json`,
      run_id: 'r1',
      step: 'load',
      time: null,
      current:
        current === undefined ? seed === versions[versions.length - 1] : false,
      written_by: ['r1'],
      read_by: []
    }))
  };
}

class FakeSource implements ICatalogSource {
  entries: ICatalogEntry[] = [];
  lists = 0;
  previews: string[] = [];

  async list() {
    this.lists += 1;
    return { entries: this.entries };
  }

  async preview(pipeline: string, name: string, sha256?: string | null) {
    this.previews.push(`${name}@${(sha256 ?? '').slice(0, 1)}`);
    return { name, sha256: sha256 ?? '', kind: 'json' } as ICatalogPreview;
  }
}

class FakeRuns {
  readonly runFinished = new Signal<this, IRunFinished>(this);

  finish(pipelinePath: string): void {
    this.runFinished.emit({ pipelinePath, runId: 'r2', status: 'succeeded' });
  }
}

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('CatalogModel', () => {
  let source: FakeSource;
  let runs: FakeRuns;
  let model: CatalogModel;

  beforeEach(async () => {
    source = new FakeSource();
    source.entries = [entry('wine', ['a', 'b']), entry('params', ['c'])];
    runs = new FakeRuns();
    model = new CatalogModel(PIPELINE, source, runs as unknown as IRunService);
    await model.refresh();
  });

  afterEach(() => model.dispose());

  it('lists the entries and previews the current version of the one selected', async () => {
    expect(model.entries.map(e => e.name)).toEqual(['wine', 'params']);
    expect(model.selectedEntry).toBeNull();
    await model.select('wine');
    expect(model.selectedVersion?.sha256).toBe(sha('b'));
    expect(model.preview?.sha256).toBe(sha('b'));
    expect(source.previews).toEqual(['wine@b']);
  });

  it('previews an older version when picked, and keeps it across refreshes', async () => {
    await model.select('wine');
    await model.selectVersion(sha('a'));
    expect(model.preview?.sha256).toBe(sha('a'));
    source.entries = [entry('wine', ['a', 'b', 'z'])];
    await model.refresh();
    expect(model.selectedVersion?.sha256).toBe(sha('a'));
    expect(source.previews).toEqual(['wine@b', 'wine@a']);
  });

  it('follows the current version of the selected entry when a run of the pipeline ends', async () => {
    await model.select('wine');
    source.entries = [entry('wine', ['a', 'b', 'z'])];
    runs.finish('other.pipeline.json');
    await settle();
    expect(source.lists).toBe(1);
    runs.finish(PIPELINE);
    await settle();
    await settle();
    expect(source.lists).toBe(2);
    expect(model.preview?.sha256).toBe(sha('z'));
  });

  it('shows the newest version of an entry with no current one', () => {
    expect(defaultVersion(entry('draft', ['a', 'b'], null))?.sha256).toBe(
      sha('b')
    );
    expect(
      defaultVersion({ name: 'x', current: null, versions: [] })
    ).toBeNull();
  });

  it('says why the catalog could not be listed', async () => {
    source.list = async () => {
      throw new Error('server down');
    };
    await model.refresh();
    expect(model.error).toBe('server down');
  });
});
