/** Colours come only from the theme's --vscode-* variables, so light, dark and high contrast all read. */
export const formCss = `
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground);
         background: var(--vscode-editor-background); margin: 0; }
  main { max-width: 720px; padding: 16px 24px 32px; }
  h1 { font-size: 1.4em; font-weight: 600; margin: 8px 0 16px; overflow-wrap: anywhere; }
  .connectors { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 16px; }
  .connector { display: flex; align-items: center; gap: 6px; padding: 6px 12px; cursor: pointer;
               color: var(--vscode-foreground); background: var(--vscode-button-secondaryBackground);
               border: 1px solid var(--vscode-contrastBorder, transparent); border-radius: 4px; font: inherit; }
  .connector[aria-checked="true"] { background: var(--vscode-button-background); color: var(--vscode-button-foreground);
               outline: 1px solid var(--vscode-focusBorder); }
  .connector:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
  .connector:disabled { cursor: default; opacity: 0.8; }
  .field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 12px; }
  .field[hidden] { display: none; }
  .row { display: flex; gap: 8px; align-items: center; }
  .row vscode-textfield { flex: 1; }
  .help { color: var(--vscode-descriptionForeground); font-size: 0.92em; }
  /* Errors as VS Code's own input validation shows them: text on the validation background, red
     edge. errorForeground alone is too faint for text on some light themes (3.4:1 on Light Modern). */
  .error { font-size: 0.92em; }
  .error:not(:empty) { padding: 2px 6px; color: var(--vscode-inputValidation-errorForeground, var(--vscode-foreground));
                       background: var(--vscode-inputValidation-errorBackground, transparent);
                       border-left: 3px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground)); }
  .notice { padding: 8px 12px; margin-bottom: 12px; border-left: 3px solid var(--vscode-textLink-foreground);
            background: var(--vscode-textBlockQuote-background); }
  .actions { display: flex; gap: 8px; margin-top: 20px; align-items: center; }
  .status { margin-top: 12px; padding: 8px 12px; border-radius: 4px; white-space: pre-wrap; }
  .status:empty { display: none; }
  .status.ok { border-left: 3px solid var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
  .status.fail { border-left: 3px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground));
                 color: var(--vscode-inputValidation-errorForeground, var(--vscode-foreground));
                 background: var(--vscode-inputValidation-errorBackground, transparent); }
  .status.busy { border-left: 3px solid var(--vscode-progressBar-background); }
  vscode-collapsible { margin-top: 8px; }
`;
