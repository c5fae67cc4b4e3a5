// The diagram webview's HTML and Content-Security-Policy. Pure (no vscode import) so the headless
// rendering test loads the very same page the panel shows.
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** The webview's own source (webview.cspSource), allowed for the script chunks, styles, images, fonts. */
  cspSource: string;
  /** URI of dist/webview/main.js as the webview sees it. */
  scriptUri: string;
  nonce?: string;
  title?: string;
  /** Extra classes on <body> (VS Code sets the theme class itself). */
  bodyClass?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  // The webview injects its stylesheet and the picture's own <style> (inline styles), never eval;
  // fetch is blocked (default-src 'none'): the diagram arrives by message.
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${cspSource}`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function diagramHtml(input: WebviewHtmlInput): string {
  const nonce = input.nonce ?? newNonce();
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${attr(input.title ?? 'Blueprint diagram')}</title>
</head>
<body${input.bodyClass ? ` class="${attr(input.bodyClass)}"` : ''}>
<script type="module" nonce="${nonce}" src="${attr(input.scriptUri)}"></script>
</body>
</html>
`;
}
