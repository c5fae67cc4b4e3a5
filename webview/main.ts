// The diagram webview: the toolbar (toolbar.ts) over the picture (picture.ts), talking to the host
// only through the typed protocol. It says `ready` first; the view (step, path toggles, zoom and
// scroll) is saved with the webview's state and restored when the panel is shown again.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { HostToWebview, PathToggles, WebviewState, WebviewToHost } from '../src/shared/protocol';
import { css } from './styles';
import { Toolbar } from './toolbar';
import { Picture } from './picture';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: WebviewToHost) => vscode.postMessage(message);

const saved = vscode.getState();
/** The view the toolbar sets (the picture adds its zoom and scroll when it is saved). */
const view: WebviewState = {
  step: saved?.step ?? null,
  paths: saved?.paths ?? { inbound: false, reply: false },
  ...(saved?.uri ? { uri: saved.uri } : {}),
};

const style = document.createElement('style');
style.textContent = css;
document.head.append(style);

const toolbar: Toolbar = new Toolbar(view, {
  post,
  persist: () => picture.persist(),
  zoomBy: (factor) => picture.zoomBy(factor),
  fit: () => picture.fit(),
  export: (format) => void picture.export(format),
});
const picture: Picture = new Picture(saved, {
  post,
  words: () => toolbar.words,
  statusWords: () => toolbar.statusWords(),
  showing: (message) => {
    view.uri = message.uri;
    toolbar.show(message);
  },
  painted: (layout) => toolbar.painted(layout),
  save: (zoom) => vscode.setState({ ...view, ...zoom }),
});
document.body.append(toolbar.element, toolbar.notice, toolbar.legend, picture.element);

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as HostToWebview;
  if (!message || typeof message !== 'object') return;
  switch (message.type) {
    case 'diagram':
      toolbar.applyWords(message.strings);
      picture.queue(message);
      break;
    case 'status':
      picture.restyle(message.changes);
      break;
    case 'busy':
      toolbar.setBusy(message.busy, message.message);
      break;
    case 'export':
      void picture.export(message.format);
      break;
    case 'select':
      picture.selectByName(message.name);
      break;
  }
});

export type { PathToggles };
post({ type: 'ready' });
