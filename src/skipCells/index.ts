/**
 * `runnable-jupyter:skip-cells`: a toggle that tags the selected cells so pipeline runs skip
 * them, and a visible marker on such cells.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { fastForwardIcon } from '@jupyterlab/ui-components';

import { SkipMarkers } from './markers';
import { canSkip, hasSkipTag, skipTagsFor, withSkip } from './tags';

const PLUGIN_ID = 'runnable-jupyter:skip-cells';
const DEFAULT_SKIP_TAG = 'skip-execution';

export namespace CommandIDs {
  export const toggleSkipCell = 'runnable-jupyter:toggle-skip-cell';
}

const skipCellsPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'runnable-jupyter: toggle "Skip Cell in Pipeline Runs" on notebook cells and mark skipped cells.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    let skipTag = DEFAULT_SKIP_TAG;
    let skipTags = skipTagsFor(skipTag);
    const markers = new SkipMarkers({
      skipTags,
      label: trans.__('skipped in pipeline runs')
    });
    tracker.forEach(panel => markers.track(panel));
    tracker.widgetAdded.connect((_, panel) => markers.track(panel));

    const activeCellSkipped = (): boolean => {
      const cell = tracker.activeCell;
      return (
        cell !== null && hasSkipTag(cell.model.getMetadata('tags'), skipTags)
      );
    };

    app.commands.addCommand(CommandIDs.toggleSkipCell, {
      label: trans.__('Skip Cell in Pipeline Runs'),
      caption: () =>
        trans.__(
          'Tag the selected cells "%1" so pipeline runs (and papermill) do not execute them; again to undo',
          skipTag
        ),
      icon: args => (args.isPalette ? undefined : fastForwardIcon),
      isEnabled: () =>
        tracker.currentWidget !== null &&
        tracker.activeCell !== null &&
        canSkip(tracker.activeCell.model.type),
      isVisible: () =>
        tracker.activeCell === null || canSkip(tracker.activeCell.model.type),
      isToggled: activeCellSkipped,
      execute: () => {
        const notebook = tracker.currentWidget?.content;
        if (!notebook) {
          return;
        }
        // Like other cell toggles: the active cell's state decides for the whole selection.
        const skip = !activeCellSkipped();
        for (const cell of notebook.widgets) {
          if (notebook.isSelectedOrActive(cell) && canSkip(cell.model.type)) {
            const tags = withSkip(
              cell.model.getMetadata('tags'),
              skip,
              skipTag,
              skipTags
            );
            if (tags.length > 0) {
              cell.model.setMetadata('tags', tags);
            } else {
              cell.model.deleteMetadata('tags');
            }
          }
        }
        app.commands.notifyCommandChanged(CommandIDs.toggleSkipCell);
      }
    });
    tracker.activeCellChanged.connect(() =>
      app.commands.notifyCommandChanged(CommandIDs.toggleSkipCell)
    );
    palette?.addItem({
      command: CommandIDs.toggleSkipCell,
      category: trans.__('Pipeline')
    });

    const applySettings = (settings: ISettingRegistry.ISettings) => {
      const configured = settings.get('skipTag').composite;
      skipTag =
        typeof configured === 'string' && configured.trim()
          ? configured.trim()
          : DEFAULT_SKIP_TAG;
      skipTags = skipTagsFor(skipTag);
      markers.skipTags = skipTags;
      app.commands.notifyCommandChanged(CommandIDs.toggleSkipCell);
    };
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          applySettings(settings);
          settings.changed.connect(applySettings);
        })
        .catch(reason =>
          console.error(
            `runnable-jupyter: could not load the ${PLUGIN_ID} settings`,
            reason
          )
        );
    }
  }
};

/** The plugins of this part. */
export const skipCellPlugins: JupyterFrontEndPlugin<any>[] = [skipCellsPlugin];
