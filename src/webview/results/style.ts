/** Colours come only from the theme's --vscode-* variables, so light, dark and high contrast all read. */
export const resultsCss = `
  html, body { height: 100%; }
  /* The hidden attribute wins over any display a class gives (header cells are flex boxes). */
  [hidden] { display: none !important; }
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
         background: var(--vscode-editor-background); margin: 0; overflow: hidden; }
  #root { display: flex; flex-direction: column; height: 100vh; }
  .toolbar { display: flex; align-items: center; gap: 8px; padding: 6px 10px; flex-wrap: wrap;
             border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); }
  .source { font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 40vw; }
  .status { color: var(--vscode-descriptionForeground); white-space: nowrap; }
  .status.failed { color: var(--vscode-errorForeground); }
  .grow { flex: 1; }
  .limit { display: flex; align-items: center; gap: 4px; }
  .limit vscode-textfield { width: 110px; }
  .busy { height: 2px; background: var(--vscode-progressBar-background); animation: pulse 1s ease-in-out infinite alternate; }
  @keyframes pulse { from { opacity: 0.2; } to { opacity: 1; } }
  .notice { margin: 4px 10px 0; color: var(--vscode-descriptionForeground); }
  .error { margin: 8px 10px; padding: 8px 12px; border-left: 3px solid var(--vscode-errorForeground);
           background: var(--vscode-inputValidation-errorBackground, transparent); white-space: pre-wrap; }
  .error .where { color: var(--vscode-descriptionForeground); margin-top: 4px; }
  .error pre { margin: 6px 0 0; font-family: var(--vscode-editor-font-family); }
  .gridwrap { position: relative; flex: 1; min-height: 0; }
  .scroller { position: absolute; inset: 0; overflow: auto; }
  .overlay { position: absolute; top: 0; left: 0; overflow: hidden; outline: none; cursor: cell; contain: strict;
             font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  .overlay:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  .row, .header { position: absolute; left: 0; right: 0; height: 22px; contain: strict; }
  .header { top: 0; z-index: 2; background: var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-editor-background));
            border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); font-family: var(--vscode-font-family); }
  .cell { position: absolute; top: 0; height: 22px; line-height: 22px; padding: 0 6px; box-sizing: border-box; white-space: pre;
          border-right: 1px solid var(--vscode-editorWidget-border, transparent); }
  /* Only cells whose text may not fit clip: clipping costs every frame it is drawn in. */
  .cell.clip, .cell.head { overflow: hidden; text-overflow: ellipsis; }
  .measure { visibility: hidden; width: 0; height: 0; }
  .measure .cell { position: static; display: inline-block; border: none; padding: 0; }
  .row.alt { background: var(--vscode-list-hoverBackground, transparent); }
  .gutter { color: var(--vscode-editorLineNumber-foreground); text-align: right; z-index: 1; cursor: default;
            background: var(--vscode-editorGutter-background, var(--vscode-editor-background)) !important; }
  .head { font-weight: 600; cursor: default; display: flex; gap: 6px; align-items: center; background: inherit; }
  .head .name { overflow: hidden; text-overflow: ellipsis; }
  .head .type { color: var(--vscode-descriptionForeground); font-weight: normal; font-size: 0.9em; overflow: hidden; text-overflow: ellipsis; }
  .head .sort { margin-left: auto; background: none; border: none; color: inherit; cursor: pointer; padding: 0 2px; opacity: 0.5; }
  .head .sort.on { opacity: 1; color: var(--vscode-textLink-foreground); }
  .head .sort:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  .head .grip { position: absolute; right: 0; top: 0; width: 5px; height: 100%; cursor: col-resize; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  /* NULL reads as secondary text, set apart by italics; disabledForeground is too faint on a stripe. */
  .null { color: var(--vscode-descriptionForeground); font-style: italic; }
  .empty::after { content: ''; }
  .bool { color: var(--vscode-debugTokenExpression-boolean, var(--vscode-foreground)); }
  .json { color: var(--vscode-debugTokenExpression-name, var(--vscode-foreground)); }
  .bin { color: var(--vscode-debugTokenExpression-number, var(--vscode-foreground)); }
  .loading { color: var(--vscode-descriptionForeground); }
  /* High-contrast themes pair the selection with its own foreground (black on white, white on blue). */
  .cell.sel { background: var(--vscode-editor-selectionBackground) !important; color: var(--vscode-editor-selectionForeground, var(--vscode-foreground)); }
  .cell.active { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
  .footer { padding: 2px 10px; color: var(--vscode-descriptionForeground); border-top: 1px solid var(--vscode-panel-border, transparent);
            white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-height: 18px; }
  .empty-note { padding: 12px; color: var(--vscode-descriptionForeground); }
`;
