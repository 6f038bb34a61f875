/**
 * `runnable-jupyter:timeline`: the timeline (Gantt) view of a pipeline's run and its command,
 * `runnable-jupyter:show-timeline` ("Show Run Timeline": command palette, the Run menu, the
 * graph's and the run history's context menus, declared in schema/timeline.json). From a run in
 * the history, that run is shown first; the view then follows the run the run panel shows.
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
import { TimelineWidget } from './TimelineWidget';

export const SHOW_TIMELINE = 'runnable-jupyter:show-timeline';

/** Three staggered bars (theme-coloured via jp-icon3). */
export const timelineIcon = new LabIcon({
  name: 'runnable-jupyter:timeline',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="3" y="4" width="9" height="4" rx="1"/>
    <rect x="9" y="10" width="8" height="4" rx="1"/>
    <rect x="13" y="16" width="8" height="4" rx="1"/>
  </g>
</svg>`
});

type TimelinePanel = MainAreaWidget<TimelineWidget>;

const timelinePlugin: JupyterFrontEndPlugin<void> = {
  id: 'runnable-jupyter:timeline',
  description:
    "runnable-jupyter: a run's steps on a time axis (kernel start, execution, attempts).",
  autoStart: true,
  requires: [IRunService],
  optional: [
    IPipelineEditorTracker,
    ICommandPalette,
    ILayoutRestorer,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    runs: IRunService,
    editors: IPipelineEditorTracker | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ) => {
    const trans = (translator ?? nullTranslator).load('runnable_jupyter');
    const tracker = new WidgetTracker<TimelinePanel>({
      namespace: 'runnable-timeline'
    });

    const create = (path: string): TimelinePanel =>
      pipelineView(new TimelineWidget(path, runs, editors, trans), {
        kind: 'timeline',
        path,
        label: trans.__('Timeline: %1', path.split('/').pop() ?? path),
        caption: trans.__('Run timeline of %1', path),
        icon: timelineIcon
      });

    /** The run id of the history row the context menu was opened on, if it was. */
    const historyRunId = (): string | null => {
      const node = app.contextMenuHitTest(n =>
        n.classList.contains('jp-runnable-run-history-item')
      );
      return node?.dataset.runId ?? null;
    };

    app.commands.addCommand(SHOW_TIMELINE, {
      label: trans.__('Show Run Timeline'),
      caption: trans.__(
        "Show the run's steps on a time axis: kernel start, execution, every attempt"
      ),
      icon: args => (args.isPalette ? undefined : timelineIcon),
      isEnabled: args => hasCommandPath(args, editors),
      execute: async args => {
        const editor = editors?.currentWidget ?? null;
        const path = commandPath(args, editors);
        if (!path) {
          return;
        }
        const runId =
          typeof args.runId === 'string' ? args.runId : historyRunId();
        if (runId) {
          await runs.showRun(path, runId);
        }
        return openInMain(app, {
          tracker,
          matches: open => open.content.pipelinePath === path,
          create: () => create(path),
          beside: editor,
          mode: 'split-bottom',
          reopened: open => open.content.update()
        });
      }
    });
    offerViewCommand(app, {
      command: SHOW_TIMELINE,
      tracker,
      pathOf: widget => widget.content.pipelinePath,
      editors,
      palette,
      restorer,
      trans
    });
  }
};

/** The plugins of this part. */
export const timelinePlugins: JupyterFrontEndPlugin<any>[] = [timelinePlugin];
