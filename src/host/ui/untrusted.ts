/**
 * The one way text reaches VS Code's notifications, quick picks, input boxes, the status bar and
 * CodeLens titles. Names from servers and workspace files, server messages and SQL are data: VS Code
 * renders `[label](command:...)` in a notification as a link that runs the command, and `$(name)` in a
 * quick pick, status bar item or CodeLens as an icon. Messages are written as msg`...` templates: the
 * literal parts are the extension's own, every interpolated value is made inert. A lint rule keeps
 * the raw calls inside this file.
 */
import * as vscode from 'vscode';
import { visibleText } from '../../shared/visibleText';

/** Notification text in which nothing the extension did not write can act as a link. */
export class Message {
  private constructor(readonly safeText: string) {}

  /** For the template tag only: the literal parts are trusted, the values are not. */
  static build(strings: readonly string[], values: readonly unknown[]): Message {
    let text = strings[0] ?? '';
    values.forEach((v, i) => {
      text += inertInMessage(String(v)) + (strings[i + 1] ?? '');
    });
    return new Message(text);
  }
}

export function msg(strings: TemplateStringsArray, ...values: unknown[]): Message {
  return Message.build(strings, values);
}

/**
 * A value inside a notification: invisible characters shown, and the link syntax VS Code parses,
 * `[text](target)`, broken apart so it stays text (`] (`), visibly and without hidden characters.
 */
export function inertInMessage(text: string): string {
  return visibleText(text).replace(/\]\s*\(/g, '] (');
}

/** A value inside a label that renders `$(icon)`: quick picks, input box titles, status bar, CodeLens. */
export function inertInLabel(text: string): string {
  return visibleText(text).replace(/\$\(/g, '\\$(');
}

type Options = vscode.MessageOptions & { detailMessage?: Message };

function options(o: Options | undefined): vscode.MessageOptions {
  if (!o) return {};
  const { detailMessage, ...rest } = o;
  return detailMessage ? { ...rest, detail: detailMessage.safeText } : rest;
}

export const notify = {
  info<T extends string>(message: Message, o?: Options, ...items: T[]): Thenable<T | undefined> {
    return vscode.window.showInformationMessage(message.safeText, options(o), ...items);
  },
  warn<T extends string>(message: Message, o?: Options, ...items: T[]): Thenable<T | undefined> {
    return vscode.window.showWarningMessage(message.safeText, options(o), ...items);
  },
  error<T extends string>(message: Message, o?: Options, ...items: T[]): Thenable<T | undefined> {
    return vscode.window.showErrorMessage(message.safeText, options(o), ...items);
  },
};

/** Quick pick items whose label, description and detail may hold text from outside. */
export function inertItem<T extends vscode.QuickPickItem>(item: T): T {
  return {
    ...item,
    label: inertInLabel(item.label),
    ...(item.description !== undefined ? { description: inertInLabel(item.description) } : {}),
    ...(item.detail !== undefined ? { detail: inertInLabel(item.detail) } : {}),
  };
}

/** showQuickPick over items from outside, made inert; resolves to the caller's own item. */
export function pick<T extends vscode.QuickPickItem>(
  items: readonly T[],
  o: vscode.QuickPickOptions & { title?: string } = {},
): Thenable<T | undefined> {
  const shown = items.map(inertItem);
  return vscode.window.showQuickPick(shown, o).then((chosen) => (chosen ? items[shown.indexOf(chosen)] : undefined));
}

/** A quick pick whose items are always made inert when set. */
export function createPick<T extends vscode.QuickPickItem>(): {
  pick: vscode.QuickPick<T>;
  setItems: (items: readonly T[]) => void;
} {
  const quickPick = vscode.window.createQuickPick<T>();
  return { pick: quickPick, setItems: (items) => (quickPick.items = items.map(inertItem)) };
}

export function inputBox(o: vscode.InputBoxOptions): Thenable<string | undefined> {
  return vscode.window.showInputBox(o);
}

/**
 * An input box that stays open while what was typed is checked, and shows why it was refused in place
 * (no notification that outlives a later success). Its prompt and messages are Messages.
 */
export function checkedInput(
  o: { title: string; prompt: Message; password?: boolean },
  check: (value: string) => Promise<Message | undefined>,
): Promise<boolean> {
  const box = vscode.window.createInputBox();
  box.title = o.title;
  box.prompt = o.prompt.safeText;
  box.password = o.password === true;
  box.ignoreFocusOut = true;
  return new Promise<boolean>((resolve) => {
    let accepted = false;
    box.onDidChangeValue(() => (box.validationMessage = undefined));
    box.onDidAccept(async () => {
      const value = box.value.trim();
      if (value === '' || box.busy) return;
      box.busy = true;
      box.enabled = false;
      const refused = await check(value).catch(
        (error: unknown) => msg`${error instanceof Error ? error.message : String(error)}`,
      );
      box.busy = false;
      box.enabled = true;
      if (refused) {
        box.validationMessage = { message: refused.safeText, severity: vscode.InputBoxValidationSeverity.Error };
        return;
      }
      accepted = true;
      box.hide();
    });
    box.onDidHide(() => {
      box.dispose();
      resolve(accepted);
    });
    box.show();
  });
}

/** A progress notification whose title is a Message (its title renders links like any notification). */
export function withNotificationProgress<R>(
  title: Message,
  task: (
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ) => Thenable<R>,
): Thenable<R> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: title.safeText, cancellable: true },
    task,
  );
}
