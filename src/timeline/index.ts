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

import { normalizePath } from '../runs/stepStates';
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

    const create = (path: string): TimelinePanel => {
      const content = new TimelineWidget(path, runs, editors, trans);
      const widget = new MainAreaWidget({ content });
      widget.id = `jp-runnable-timeline-${encodeURIComponent(path)}`;
      widget.addClass('jp-runnable-timeline-panel');
      widget.title.label = trans.__(
        'Timeline: %1',
        path.split('/').pop() ?? path
      );
      widget.title.caption = trans.__('Run timeline of %1', path);
      widget.title.icon = timelineIcon;
      widget.title.closable = true;
      return widget;
    };

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
        const runId =
          typeof args.runId === 'string' ? args.runId : historyRunId();
        if (runId) {
          await runs.showRun(path, runId);
        }
        let widget = tracker.find(open => open.content.pipelinePath === path);
        if (!widget) {
          widget = create(path);
          const ref = editor?.isAttached ? editor.id : undefined;
          app.shell.add(widget, 'main', {
            mode: ref ? 'split-bottom' : 'tab-after',
            ref
          });
          await tracker.add(widget);
        }
        widget.content.update();
        app.shell.activateById(widget.id);
        return widget;
      }
    });
    editors?.currentChanged.connect(() =>
      app.commands.notifyCommandChanged(SHOW_TIMELINE)
    );
    palette?.addItem({
      command: SHOW_TIMELINE,
      category: trans.__('Pipeline'),
      args: { isPalette: true }
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: SHOW_TIMELINE,
        args: widget => ({ path: widget.content.pipelinePath }),
        name: widget => widget.content.pipelinePath
      });
    }
  }
};

/** The plugins of this part. */
export const timelinePlugins: JupyterFrontEndPlugin<any>[] = [timelinePlugin];
