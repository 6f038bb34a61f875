/**
 * `runnable-jupyter:catalog`: the catalog view of a pipeline (its entries, their versions and a
 * preview of each) and the command that opens it, `runnable-jupyter:open-catalog` ("Open
 * Pipeline Catalog": command palette, the pipeline editor's toolbar and context menu, declared
 * in schema/editor.json). A view refreshes when a run of its pipeline ends.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { LabIcon } from '@jupyterlab/ui-components';

import {
  commandPath,
  hasCommandPath,
  offerViewCommand,
  openInMain,
  pipelineView
} from '../components/mainArea';
import { IPipelineEditorTracker, IRunService } from '../tokens';
import { CatalogClient } from './client';
import { CatalogView } from './CatalogView';
import { CatalogModel } from './model';

export const OPEN_CATALOG = 'runnable-jupyter:open-catalog';

/** A stack of stored versions (theme-coloured via jp-icon3). */
export const catalogIcon = new LabIcon({
  name: 'runnable-jupyter:catalog',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <ellipse cx="12" cy="5" rx="8" ry="3"/>
    <path d="M4 8v3c0 1.7 3.6 3 8 3s8-1.3 8-3V8c0 1.7-3.6 3-8 3S4 9.7 4 8z"/>
    <path d="M4 14v3c0 1.7 3.6 3 8 3s8-1.3 8-3v-3c0 1.7-3.6 3-8 3s-8-1.3-8-3z"/>
  </g>
</svg>`
});

type CatalogWidget = MainAreaWidget<CatalogView>;

const catalogPlugin: JupyterFrontEndPlugin<void> = {
  id: 'runnable-jupyter:catalog',
  description:
    "runnable-jupyter: a pipeline's catalog entries, their versions, producers, readers and previews.",
  autoStart: true,
  optional: [
    IPipelineEditorTracker,
    IRunService,
    ICommandPalette,
    ILayoutRestorer,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    editors: IPipelineEditorTracker | null,
    runs: IRunService | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    const client = new CatalogClient();
    const tracker = new WidgetTracker<CatalogWidget>({
      namespace: 'runnable-catalog'
    });

    const create = (path: string): CatalogWidget => {
      const model = new CatalogModel(path, client, runs);
      const widget = pipelineView(new CatalogView(model, trans), {
        kind: 'catalog',
        path,
        label: trans.__('Catalog: %1', path.split('/').pop() ?? path),
        caption: trans.__('Catalog of %1', path),
        icon: catalogIcon,
        refresh: {
          tooltip: trans.__('Refresh the catalog'),
          onClick: () => void model.refresh()
        }
      });
      void model.refresh();
      return widget;
    };

    app.commands.addCommand(OPEN_CATALOG, {
      label: trans.__('Open Pipeline Catalog'),
      caption: trans.__(
        "Show the pipeline's catalog: every entry, its versions with the runs that wrote and read them, and a preview"
      ),
      icon: args => (args.isPalette ? undefined : catalogIcon),
      isEnabled: args => hasCommandPath(args, editors),
      execute: async args => {
        const editor = editors?.currentWidget ?? null;
        const path = commandPath(args, editors);
        if (!path) {
          return;
        }
        return openInMain(app, {
          tracker,
          matches: open => open.content.model.pipelinePath === path,
          create: () => create(path),
          beside: editor,
          mode: 'split-right',
          reopened: open => void open.content.model.refresh()
        });
      }
    });
    offerViewCommand(app, {
      command: OPEN_CATALOG,
      tracker,
      pathOf: widget => widget.content.model.pipelinePath,
      editors,
      palette,
      restorer,
      trans
    });
  }
};

/** The plugins of this part. */
export const catalogPlugins: JupyterFrontEndPlugin<any>[] = [catalogPlugin];
