/** The handle VS Code gives a webview; acquired once per page. */
export interface VsCodeApi<State, Message> {
  postMessage(message: Message): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State, Message>(): VsCodeApi<State, Message>;

export function vscodeApi<State, Message>(): VsCodeApi<State, Message> {
  return acquireVsCodeApi<State, Message>();
}

/** Creates an element with text content only: data never reaches the DOM as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string>,
  text?: string,
): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Record<string, string>, text?: string): HTMLElement;
export function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}
