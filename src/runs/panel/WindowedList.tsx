/**
 * A list that renders only the rows in view (@tanstack/react-virtual), rows of any height
 * measured as they render: the run panel's step list stays fast with 1,000 steps. Rows outside
 * the window are replaced by the list's padding, so the scroll bar keeps its size.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import * as React from 'react';

/** A step row with its status and links is about this tall; measured rows replace it. */
const ESTIMATED_ROW_PX = 30;
const OVERSCAN_ROWS = 8;

export interface IWindowedListProps {
  className: string;
  ariaLabel: string;
  count: number;
  rowKey(index: number): string;
  /** Render row `index` as an `<li>` given `data-index={index}` and `ref={measureRef}`. */
  renderRow(
    index: number,
    measureRef: (element: HTMLLIElement | null) => void
  ): JSX.Element;
  /** Bring a row into view (again for each new `seq`); index -1 does nothing. */
  scrollRequest: { index: number; seq: number } | null;
}

export function WindowedList(props: IWindowedListProps): JSX.Element {
  const scroller = React.useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLLIElement>({
    count: props.count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    overscan: OVERSCAN_ROWS,
    getItemKey: props.rowKey
  });
  const request = props.scrollRequest;
  React.useEffect(() => {
    if (request && request.index >= 0 && request.index < props.count) {
      virtualizer.scrollToIndex(request.index, { align: 'auto' });
    }
  }, [request?.seq, request?.index]);
  const items = virtualizer.getVirtualItems();
  const total = virtualizer.getTotalSize();
  // Padding stands for the rows out of the window (all of them before the first measure, so
  // that the scroller has a height to window over).
  const top = items.length > 0 ? items[0].start : 0;
  const bottom = total - (items.length > 0 ? items[items.length - 1].end : 0);
  return (
    <div className="jp-runnable-run-step-scroller" ref={scroller}>
      <ul
        className={props.className}
        aria-label={props.ariaLabel}
        data-rows={props.count}
        style={{ paddingTop: top, paddingBottom: Math.max(0, bottom) }}
      >
        {items.map(item =>
          props.renderRow(item.index, virtualizer.measureElement)
        )}
      </ul>
    </div>
  );
}
