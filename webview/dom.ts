// Small helpers for the webview's page: elements made with their attributes and text, and the
// host's word templates filled in ("{0} …").

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A custom element of @vscode-elements (a button, checkbox, select or option). */
export function custom(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement & { checked?: boolean; value?: string } {
  const e = document.createElement(tag) as HTMLElement & { checked?: boolean; value?: string };
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function fill(template: string, ...values: string[]): string {
  return template.replace(/\{(\d)\}/g, (m, i: string) => values[Number(i)] ?? m);
}
