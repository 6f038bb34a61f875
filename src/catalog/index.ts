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
import { LabIcon, refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';

import { normalizePath } from '../runs/stepStates';
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
      const content = new CatalogView(model, trans);
      const widget = new MainAreaWidget({ content });
      widget.id = `jp-runnable-catalog-${encodeURIComponent(path)}`;
      widget.addClass('jp-runnable-catalog-panel');
      widget.title.label = trans.__(
        'Catalog: %1',
        path.split('/').pop() ?? path
      );
      widget.title.caption = trans.__('Catalog of %1', path);
      widget.title.icon = catalogIcon;
      widget.title.closable = true;
      widget.toolbar.addItem(
        'refresh',
        new ToolbarButton({
          icon: refreshIcon,
          tooltip: trans.__('Refresh the catalog'),
          onClick: () => void model.refresh()
        })
      );
      void model.refresh();
      return widget;
    };

    app.commands.addCommand(OPEN_CATALOG, {
      label: trans.__('Open Pipeline Catalog'),
      caption: trans.__(
        "Show the pipeline's catalog: every entry, its versions with the runs that wrote and read them, and a preview"
      ),
      icon: args => (args.isPalette ? undefined : catalogIcon),
      isEnabled: args =>
        typeof args.path === 'string' || !!editors?.currentWidget,
      execute: async args => {
        const editor = editors?.currentWidget ?? null;
        const path = normalizePath(
          typeof args.path === 'string'
            ? args.path
            : (editor?.pipelinePath ?? '')
        );
        if (!path) {
          return;
        }
        let widget = tracker.find(
          open => open.content.model.pipelinePath === path
        );
        if (!widget) {
          widget = create(path);
          const ref = editor?.isAttached ? editor.id : undefined;
          app.shell.add(widget, 'main', {
            mode: ref ? 'split-right' : 'tab-after',
            ref
          });
          await tracker.add(widget);
        } else {
          void widget.content.model.refresh();
        }
        app.shell.activateById(widget.id);
        return widget;
      }
    });
    editors?.currentChanged.connect(() =>
      app.commands.notifyCommandChanged(OPEN_CATALOG)
    );
    palette?.addItem({
      command: OPEN_CATALOG,
      category: trans.__('Pipeline'),
      args: { isPalette: true }
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: OPEN_CATALOG,
        args: widget => ({ path: widget.content.model.pipelinePath }),
        name: widget => widget.content.model.pipelinePath
      });
    }
  }
};

/** The plugins of this part. */
export const catalogPlugins: JupyterFrontEndPlugin<any>[] = [catalogPlugin];
