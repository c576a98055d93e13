/**
 * Characters that change how text reads without being seen: bidirectional overrides and isolates,
 * zero-width spaces and joiners, invisible separators, the byte-order mark, and C0/C1 controls other
 * than tab and line breaks. Shown as ‹U+XXXX›, the way the editor marks them, never applied.
 * (Variation selectors and the zero-width joiner inside emoji are left alone.)
 */
const invisibleClass =
  '[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200C\u200E\u200F\u2028-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]';
// eslint-disable-next-line no-misleading-character-class -- the class lists lone invisible characters on purpose
const anyInvisible = new RegExp(invisibleClass);
// eslint-disable-next-line no-misleading-character-class -- as above
const everyInvisible = new RegExp(invisibleClass, 'g');

export function visibleText(text: string): string {
  return anyInvisible.test(text)
    ? text.replace(everyInvisible, (c) => `‹U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}›`)
    : text;
}

/** Whether the text holds a character visibleText would mark. */
export function hasInvisible(text: string): boolean {
  return anyInvisible.test(text);
}
