// The webview's CSS, themed by VS Code's CSS variables (light, dark, high contrast). Injected as a
// <style> element (the panel's CSP allows inline styles).
export const css = `
:root { color-scheme: light dark; }
html, body { height: 100%; margin: 0; padding: 0; }
body {
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--vscode-editor-background, #fff); color: var(--vscode-editor-foreground, #222);
  font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px);
}
#toolbar {
  display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 8px;
  border-bottom: 1px solid var(--vscode-panel-border, #8884);
}
#toolbar .sep { width: 1px; align-self: stretch; background: var(--vscode-panel-border, #8884); margin: 0 4px; }
#toolbar .grow { flex: 1; }
#title { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 40vw; }
#busy { opacity: 0.8; font-style: italic; }
#notice { padding: 4px 10px; background: var(--vscode-inputValidation-warningBackground, #fff4ce); color: var(--vscode-inputValidation-warningForeground, inherit);
  border-bottom: 1px solid var(--vscode-inputValidation-warningBorder, #c78a00); }
#notice.error { background: var(--vscode-inputValidation-errorBackground, #fde7e9); border-color: var(--vscode-inputValidation-errorBorder, #c62828); }
#main { flex: 1; display: flex; min-height: 0; }
#canvas { flex: 1; overflow: auto; position: relative; cursor: grab; }
#canvas.panning { cursor: grabbing; }
#diagram { padding: 16px; width: max-content; }
#diagram svg { display: block; max-width: none !important; }
#diagram [data-component] { cursor: pointer; }
/* mermaid styles shapes inline (!important): the selection shows as a glow instead. */
#diagram [data-component].selected { filter: drop-shadow(0 0 3px var(--vscode-focusBorder, #007fd4)) drop-shadow(0 0 2px var(--vscode-focusBorder, #007fd4)); }
#diagram g[data-component]:focus { outline: none; }
#diagram g[data-component]:focus-visible > .shape, #diagram g[data-component]:focus-visible > .frame { stroke: var(--vscode-focusBorder, #007fd4); stroke-width: 3px; }
#path-steps { margin: 12px 0 0; padding: 0; list-style: none; max-width: 640px; font-size: max(13px, var(--vscode-font-size, 13px)); }
#path-steps[hidden] { display: none; }
#path-steps li { display: flex; gap: 8px; align-items: baseline; margin: 3px 0; }
#path-steps .mark { flex: none; min-width: 20px; height: 20px; border-radius: 10px; color: #fff; font-weight: 700; text-align: center; line-height: 20px; }
#path-steps .role-note .mark { background: #f2cc60; color: #1f1f1f; }
#details {
  width: min(300px, 40%); flex: none; overflow: auto; padding: 10px 12px;
  border-left: 1px solid var(--vscode-panel-border, #8884); background: var(--vscode-sideBar-background, transparent);
}
#details[hidden] { display: none; }
#details h2 { font-size: 1.1em; margin: 0 0 4px; word-break: break-all; }
#details .kind { opacity: 0.8; margin-bottom: 8px; }
#details table { border-collapse: collapse; width: 100%; }
#details td { padding: 2px 4px; vertical-align: top; border-bottom: 1px solid var(--vscode-panel-border, #8882); word-break: break-all; }
#details td:first-child { opacity: 0.8; white-space: nowrap; word-break: normal; }
#details ul { padding-left: 18px; margin: 6px 0; font-family: var(--vscode-editor-font-family, monospace); }
#details .status { font-weight: 600; }
#details .status.created { color: var(--vscode-testing-iconPassed, #2ea043); }
#details .status.failed { color: var(--vscode-testing-iconFailed, #e5534b); }
#details .status.in-progress { color: var(--vscode-editorWarning-foreground, #d48806); }
#details .status.drifted { color: var(--vscode-charts-purple, #a371f7); }
#error { white-space: pre-wrap; font-family: var(--vscode-editor-font-family, monospace); color: var(--vscode-errorForeground, #c62828); padding: 12px; }
#legend { display: flex; gap: 10px; padding: 2px 10px 6px; font-size: 0.9em; opacity: 0.9; flex-wrap: wrap; }
#legend span::before { content: ''; display: inline-block; width: 10px; height: 10px; margin-right: 4px; border: 2px solid; vertical-align: -1px; }
#legend .planned::before { border-color: #888; border-style: dashed; }
#legend .in-progress::before { border-color: #d48806; background: #f5a62333; }
#legend .created::before { border-color: #2ea043; background: #2ea04326; }
#legend .failed::before { border-color: #e5534b; background: #f8514933; }
#legend .drifted::before { border-color: #a371f7; border-style: dotted; }
#legend .inbound::before { border: none; height: 3px; width: 16px; background: #1f6feb; vertical-align: 3px; }
#legend .reply::before { border: none; height: 3px; width: 16px; background: #e8710a; vertical-align: 3px; }
#legend .outbound::before { border: none; height: 3px; width: 16px; background: #0b7a75; vertical-align: 3px; }
`;
