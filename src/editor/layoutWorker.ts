/**
 * The ELK instance of the auto layout, running in a web worker (elkjs's worker build), so
 * laying out a large pipeline never stalls the page. Its own module because the bundler resolves
 * the worker's URL here; the jest tests give the model the in-thread ELK instead.
 */
import ELK from 'elkjs/lib/elk-api.js';

export type LayoutEngine = InstanceType<typeof ELK>;

export function createLayoutEngine(): LayoutEngine {
  return new ELK({
    workerFactory: () =>
      new Worker(new URL('elkjs/lib/elk-worker.min.js', import.meta.url))
  });
}
