/**
 * The results page for table previews and test queries: the grid's controller and its input, fed by
 * the host's messages. Every value reaches the DOM as textContent.
 */
import type { HostToResults, ResultsState, ResultsToHost } from '../../shared/protocol/results';
import { vscodeApi } from '../common/vscodeApi';
import { GridController } from './gridController';
import { bindGridInput } from './gridInput';
import { resultsCss } from './style';

const vscode = vscodeApi<ResultsState, ResultsToHost>();
const sheet = new CSSStyleSheet();
sheet.replaceSync(resultsCss);
document.adoptedStyleSheets = [sheet];

const post = (message: ResultsToHost): void => vscode.postMessage(message);
const grid = new GridController(document.getElementById('root')!, {
  post,
  setState: (state) => vscode.setState(state),
  restoredScrollTop: vscode.getState()?.scrollTop,
});
bindGridInput(grid, post);

window.addEventListener('message', (event: MessageEvent<HostToResults>) => {
  const m = event.data;
  switch (m.type) {
    case 'start':
      return grid.onStart(m);
    case 'progress':
      return grid.onProgress(m);
    case 'rows':
      return grid.onRows(m);
  }
});

grid.describe();
post({ type: 'ready' });
