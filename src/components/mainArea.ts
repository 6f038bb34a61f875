/**
 * A pipeline's view in the main area (the catalog, the jobs, the timeline): the tab itself, its
 * opening command's rules, and one view per pipeline: opening it again focuses the open one.
 */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import { LabIcon, refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { normalizePath } from '../runs/stepStates';
import { IPipelineEditorTracker } from '../tokens';

export interface IPipelineViewOptions {
  /** Names its id (`jp-runnable-KIND-PATH`) and class (`jp-runnable-KIND-panel`). */
  kind: string;
  path: string;
  label: string;
  caption: string;
  icon: LabIcon;
  /** A toolbar button that refreshes what the view shows. */
  refresh?: { tooltip: string; onClick: () => void };
}

/** The closable main-area tab of a pipeline's view. */
export function pipelineView<T extends Widget>(
  content: T,
  options: IPipelineViewOptions
): MainAreaWidget<T> {
  const widget = new MainAreaWidget({ content });
  widget.id = `jp-runnable-${options.kind}-${encodeURIComponent(options.path)}`;
  widget.addClass(`jp-runnable-${options.kind}-panel`);
  widget.title.label = options.label;
  widget.title.caption = options.caption;
  widget.title.icon = options.icon;
  widget.title.closable = true;
  if (options.refresh) {
    widget.toolbar.addItem(
      'refresh',
      new ToolbarButton({ icon: refreshIcon, ...options.refresh })
    );
  }
  return widget;
}

/** The pipeline a command is for: its `path` argument, else the current editor's. */
export function commandPath(
  args: ReadonlyPartialJSONObject,
  editors: IPipelineEditorTracker | null
): string {
  return normalizePath(
    typeof args.path === 'string'
      ? args.path
      : (editors?.currentWidget?.pipelinePath ?? '')
  );
}

/** Whether a view command has a pipeline to open: a `path` argument or a current editor. */
export function hasCommandPath(
  args: ReadonlyPartialJSONObject,
  editors: IPipelineEditorTracker | null
): boolean {
  return typeof args.path === 'string' || !!editors?.currentWidget;
}

export interface IOpenInMainOptions<T extends Widget> {
  /** The views open now; a new one is added to it (and so restored with the layout). */
  tracker: WidgetTracker<T>;
  /** Whether an open view is the one asked for. */
  matches: (widget: T) => boolean;
  create: () => T;
  /**
   * A widget to open a new view beside, with `mode` (the pipeline's editor); without one, or
   * while it is not attached, the view opens as a tab after the current one.
   */
  beside?: Widget | null;
  mode?: 'split-right' | 'split-bottom';
  /** What a view already open does before it is focused (refresh what it shows). */
  reopened?: (widget: T) => void;
}

/** The view asked for, focused: the one already open, else a new one added to the main area. */
export async function openInMain<T extends Widget>(
  app: JupyterFrontEnd,
  options: IOpenInMainOptions<T>
): Promise<T> {
  const { tracker } = options;
  let widget = tracker.find(options.matches);
  if (!widget) {
    widget = options.create();
    const ref = options.beside?.isAttached ? options.beside.id : undefined;
    app.shell.add(widget, 'main', {
      mode: ref ? (options.mode ?? 'split-right') : 'tab-after',
      ref
    });
    await tracker.add(widget);
  } else {
    options.reopened?.(widget);
  }
  app.shell.activateById(widget.id);
  return widget;
}

export interface IViewCommandOptions<T extends Widget> {
  /** The command that opens a pipeline's view (`{ path }`). */
  command: string;
  tracker: WidgetTracker<T>;
  /** The pipeline a view shows, to open it again with the layout. */
  pathOf: (widget: T) => string;
  editors: IPipelineEditorTracker | null;
  palette: ICommandPalette | null;
  restorer: ILayoutRestorer | null;
  trans: TranslationBundle;
}

/**
 * The opening command in the palette (category Pipeline), enabled as the current editor changes,
 * and the open views restored with the layout.
 */
export function offerViewCommand<T extends Widget>(
  app: JupyterFrontEnd,
  options: IViewCommandOptions<T>
): void {
  const { command, pathOf } = options;
  options.editors?.currentChanged.connect(() =>
    app.commands.notifyCommandChanged(command)
  );
  options.palette?.addItem({
    command,
    category: options.trans.__('Pipeline'),
    args: { isPalette: true }
  });
  if (options.restorer) {
    void options.restorer.restore(options.tracker, {
      command,
      args: widget => ({ path: pathOf(widget) }),
      name: widget => pathOf(widget)
    });
  }
}
