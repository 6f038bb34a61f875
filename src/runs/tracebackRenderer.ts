/**
 * A failed step's traceback drawn by JupyterLab's own stderr renderer, as a notebook draws a
 * cell's error: its ANSI colours become the theme's (light or dark), never printed escapes.
 */
import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';
import type { NotebookWidgetFactory } from '@jupyterlab/notebook';

import { stripAnsi } from './errorText';
import type { TracebackRenderer } from './panel/StepError';

const STDERR = 'application/vnd.jupyter.stderr';

type RenderMime = NotebookWidgetFactory['rendermime'];

/** The renderer for the run panel; plain text when JupyterLab has no notebook renderers. */
export function tracebackRenderer(
  rendermime: RenderMime | null
): TracebackRenderer {
  return (host: HTMLElement, text: string): IDisposable => {
    if (!rendermime || !rendermime.mimeTypes.includes(STDERR)) {
      const pre = document.createElement('pre');
      pre.textContent = stripAnsi(text);
      host.appendChild(pre);
      return new DisposableDelegate(() => pre.remove());
    }
    const renderer = rendermime.createRenderer(STDERR);
    Widget.attach(renderer, host);
    renderer
      .renderModel(rendermime.createModel({ data: { [STDERR]: text } }))
      .catch(reason =>
        console.warn('runnable-jupyter: could not draw a traceback', reason)
      );
    return renderer;
  };
}
